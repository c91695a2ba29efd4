/**
 * Recursive-descent parser for expressions in `theta`:
 *
 *   expr    := term (('+' | '-') term)*
 *   term    := unary (('*' | '/') unary)*
 *   unary   := ('+' | '-') unary | power
 *   power   := primary ('^' unary)?          right-associative; `-theta^2` = -(theta^2), `2^-1` allowed
 *   primary := number | 'theta' | 'pi' | fn '(' expr ')' | '(' expr ')'
 *
 * Recursion is bounded by MAX_DEPTH (parentheses, calls, unary signs and exponents each add a level), so a
 * hostile input cannot overflow the stack. Left-associative chains (`1+1+…`) are built by loops; their
 * trees are at most ~1000 deep (the length limit), which the closure evaluator handles comfortably.
 */
import {
  ALLOWED_NAMES,
  ExpressionError,
  FUNCTION_NAMES,
  type FunctionName,
  type Token,
  tokenize,
} from './lexer';

export const MAX_DEPTH = 64;

/** The syntax tree. `column` is the 1-based source column of the node's first or operator token. */
export type ExprNode =
  | { readonly kind: 'number'; readonly value: number; readonly column: number }
  | { readonly kind: 'theta'; readonly column: number }
  | { readonly kind: 'pi'; readonly column: number }
  | { readonly kind: 'unary'; readonly op: '+' | '-'; readonly operand: ExprNode; readonly column: number }
  | {
      readonly kind: 'binary';
      readonly op: '+' | '-' | '*' | '/' | '^';
      readonly left: ExprNode;
      readonly right: ExprNode;
      readonly column: number;
    }
  | { readonly kind: 'call'; readonly fn: FunctionName; readonly arg: ExprNode; readonly column: number };

// A Set, not an object: `constructor`, `__proto__`, `toString` are simply not members.
const FUNCTIONS: ReadonlySet<string> = new Set(FUNCTION_NAMES);
const ALLOWED_FUNCTIONS = FUNCTION_NAMES.join(', ');
const OPERAND = "a number, theta, pi, a function call or '('";

/** Quotes a token for a message, shortening long identifiers so the message stays readable. */
function show(t: Token): string {
  if (t.kind === 'eof') return 'the end of the input';
  return t.text.length > 40 ? `'${t.text.slice(0, 40)}…'` : `'${t.text}'`;
}

class Parser {
  private pos = 0;
  private depth = 0;

  constructor(private readonly tokens: readonly Token[]) {}

  parse(): ExprNode {
    if (this.peek().kind === 'eof') {
      throw new ExpressionError(this.peek().column, `empty expression (expected ${OPERAND})`);
    }
    const node = this.expr();
    const t = this.peek();
    if (t.kind === ')') throw new ExpressionError(t.column, "unmatched ')' (no '(' is open here)");
    if (t.kind !== 'eof') {
      throw new ExpressionError(
        t.column,
        `trailing input ${show(t)} (expected an operator + - * / ^ between operands)`,
      );
    }
    return node;
  }

  private peek(): Token {
    return this.tokens[this.pos];
  }

  private next(): Token {
    return this.tokens[this.pos++];
  }

  private isOp(...ops: string[]): boolean {
    const t = this.peek();
    return t.kind === 'op' && ops.includes(t.text);
  }

  /** Runs `inner` one nesting level deeper, refusing to go past MAX_DEPTH. */
  private nested<T>(at: Token, inner: () => T): T {
    if (this.depth >= MAX_DEPTH) {
      throw new ExpressionError(
        at.column,
        `nesting deeper than ${MAX_DEPTH} (at most ${MAX_DEPTH} nested parentheses, calls, signs and powers allowed)`,
      );
    }
    this.depth++;
    const result = inner();
    this.depth--;
    return result;
  }

  private expr(): ExprNode {
    return this.leftAssociative(['+', '-'], () => this.term());
  }

  private term(): ExprNode {
    return this.leftAssociative(['*', '/'], () => this.unary());
  }

  /** operand (op operand)*, folded to the left: a − b − c is (a − b) − c. */
  private leftAssociative(ops: readonly ['+', '-'] | readonly ['*', '/'], operand: () => ExprNode): ExprNode {
    let left = operand();
    while (this.isOp(...ops)) {
      const op = this.next();
      left = {
        kind: 'binary',
        op: op.text as (typeof ops)[number],
        left,
        right: operand(),
        column: op.column,
      };
    }
    return left;
  }

  private unary(): ExprNode {
    if (this.isOp('+', '-')) {
      const op = this.next();
      const operand = this.nested(op, () => this.unary());
      return { kind: 'unary', op: op.text as '+' | '-', operand, column: op.column };
    }
    return this.power();
  }

  private power(): ExprNode {
    const base = this.primary();
    if (!this.isOp('^')) return base;
    const op = this.next();
    // The exponent is a `unary`, which makes `^` right-associative and allows `2^-1`.
    const exponent = this.nested(op, () => this.unary());
    return { kind: 'binary', op: '^', left: base, right: exponent, column: op.column };
  }

  private primary(): ExprNode {
    const t = this.peek();
    if (t.kind === 'number') {
      this.pos++;
      return { kind: 'number', value: t.value, column: t.column };
    }
    if (t.kind === '(') {
      this.pos++;
      const inner = this.nested(t, () => this.expr());
      this.expectClose(t);
      return inner;
    }
    if (t.kind === 'ident') return this.identifier(t);
    const prev = this.tokens[this.pos - 1];
    const after = prev === undefined ? '' : ` after '${prev.text}'`;
    throw new ExpressionError(t.column, `missing operand${after}: expected ${OPERAND}, found ${show(t)}`);
  }

  private identifier(t: Token): ExprNode {
    this.pos++;
    const name = t.text;
    const called = this.peek().kind === '(';
    if (FUNCTIONS.has(name)) {
      const open = this.peek();
      if (!called) {
        throw new ExpressionError(open.column, `expected '(' after function '${name}', found ${show(open)}`);
      }
      this.pos++;
      const arg = this.nested(t, () => this.expr());
      this.expectClose(open);
      return { kind: 'call', fn: name as FunctionName, arg, column: t.column };
    }
    if (name === 'theta' && !called) return { kind: 'theta', column: t.column };
    if (name === 'pi' && !called) return { kind: 'pi', column: t.column };
    if (name === 'theta' || name === 'pi') {
      throw new ExpressionError(
        t.column,
        `'${name}' is not a function (allowed functions: ${ALLOWED_FUNCTIONS})`,
      );
    }
    if (called) {
      throw new ExpressionError(
        t.column,
        `unknown function ${show(t)} (allowed functions: ${ALLOWED_FUNCTIONS})`,
      );
    }
    throw new ExpressionError(t.column, `unknown identifier ${show(t)} (allowed: ${ALLOWED_NAMES})`);
  }

  private expectClose(open: Token): void {
    const t = this.peek();
    if (t.kind === ')') {
      this.pos++;
      return;
    }
    throw new ExpressionError(
      t.column,
      `expected ')' to close '(' at column ${open.column}, found ${show(t)}`,
    );
  }
}

/**
 * Parses an expression in `theta` into a syntax tree. Throws ExpressionError (with the column of the
 * offending character) for anything outside the grammar, inputs over MAX_SOURCE_LENGTH characters and
 * nesting over MAX_DEPTH.
 */
export function parseExpression(source: string): ExprNode {
  if (typeof source !== 'string') throw new TypeError(`expected a string, got ${typeof source}`);
  return new Parser(tokenize(source)).parse();
}
