/**
 * Turns a syntax tree into a plain closure tree: one small function per node, built once, with no `eval`,
 * no `Function` and no name lookups at call time. Function names map to Math through a `switch`, so only
 * the seven known functions can ever be reached.
 */
import type { FunctionName } from './lexer';
import type { ExprNode } from './parser';

/** The Math function behind each name (`log` is the natural logarithm). */
function mathFunction(fn: FunctionName): (x: number) => number {
  switch (fn) {
    case 'sin':
      return Math.sin;
    case 'cos':
      return Math.cos;
    case 'tan':
      return Math.tan;
    case 'exp':
      return Math.exp;
    case 'log':
      return Math.log;
    case 'sqrt':
      return Math.sqrt;
    case 'abs':
      return Math.abs;
    default:
      // Only reachable with a hand-built tree that bypassed the parser.
      throw new TypeError(`unknown function ${String(fn)}`);
  }
}

type Fn = (theta: number) => number;

function compileBinary(op: '+' | '-' | '*' | '/' | '^', l: Fn, r: Fn): Fn {
  switch (op) {
    case '+':
      return (t) => l(t) + r(t);
    case '-':
      return (t) => l(t) - r(t);
    case '*':
      return (t) => l(t) * r(t);
    case '/':
      return (t) => l(t) / r(t);
    case '^':
      return (t) => l(t) ** r(t);
    default:
      throw new TypeError(`unknown operator ${String(op)}`);
  }
}

/**
 * Compiles a tree from parseExpression into `theta => value`. IEEE semantics throughout: division by zero,
 * log of a negative number etc. give ±Infinity or NaN rather than throwing (projectExpression checks).
 */
export function compileExpression(node: ExprNode): (theta: number) => number {
  switch (node.kind) {
    case 'number': {
      const v = node.value;
      return () => v;
    }
    case 'theta':
      return (t) => t;
    case 'pi':
      return () => Math.PI;
    case 'unary': {
      const operand = compileExpression(node.operand);
      return node.op === '-' ? (t) => -operand(t) : operand;
    }
    case 'binary':
      return compileBinary(node.op, compileExpression(node.left), compileExpression(node.right));
    case 'call': {
      const f = mathFunction(node.fn);
      const arg = compileExpression(node.arg);
      return (t) => f(arg(t));
    }
    default:
      throw new TypeError(`unknown expression node ${JSON.stringify((node as { kind?: unknown }).kind)}`);
  }
}
