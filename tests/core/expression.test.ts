import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  compileExpression,
  ExpressionError,
  type ExprNode,
  MAX_HARMONICS,
  parseExpression,
  projectExpression,
} from '../../src/core/expression';

const THETAS = [-Math.PI, -3, -1.2, -0.3, 0, 0.1, 0.7, 2.5, 3.1, Math.PI];

const evaluate = (source: string, theta: number): number => compileExpression(parseExpression(source))(theta);

/** Runs `fn`, which must throw; returns the ExpressionError it threw. */
function expressionError(fn: () => unknown): ExpressionError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ExpressionError);
    return e as ExpressionError;
  }
  throw new Error('expected an ExpressionError, nothing was thrown');
}

describe('parseExpression / compileExpression: accepted expressions', () => {
  // Each expression is compared with a hand-written lambda using Math directly (an independent reference).
  const cases: [string, (t: number) => number][] = [
    ['12', () => 12],
    ['1.5', () => 1.5],
    ['.5', () => 0.5],
    ['1e-3', () => 0.001],
    ['2.5E+2', () => 250],
    ['007', () => 7],
    ['theta', (t) => t],
    ['pi', () => Math.PI],
    ['sin(theta)', (t) => Math.sin(t)],
    ['cos(2*theta)', (t) => Math.cos(2 * t)],
    ['tan(theta/3)', (t) => Math.tan(t / 3)],
    ['exp(cos(theta))', (t) => Math.exp(Math.cos(t))],
    ['log(2 + sin(theta))', (t) => Math.log(2 + Math.sin(t))],
    ['sqrt(1 + theta^2)', (t) => Math.sqrt(1 + t * t)],
    ['abs(theta)', (t) => Math.abs(t)],
    ['0.3*cos(theta) - 0.2*sin(2*theta) + 1', (t) => 0.3 * Math.cos(t) - 0.2 * Math.sin(2 * t) + 1],
    [' \t sin ( theta )\n* 2\r\n', (t) => Math.sin(t) * 2],
    ['(theta + 1) / (theta - 4)', (t) => (t + 1) / (t - 4)],
    ['2^theta', (t) => 2 ** t],
    ['sin(theta)^2 + cos(theta)^3', (t) => Math.sin(t) ** 2 + Math.cos(t) ** 3],
    ['-cos(pi*theta/2)', (t) => -Math.cos((Math.PI * t) / 2)],
    ['abs(sin(theta))^1.5 - 1e-1*theta', (t) => Math.abs(Math.sin(t)) ** 1.5 - 0.1 * t],
  ];
  for (const [source, reference] of cases) {
    it(`evaluates ${JSON.stringify(source)}`, () => {
      const f = compileExpression(parseExpression(source));
      for (const t of THETAS) {
        const want = reference(t);
        expect(Math.abs(f(t) - want)).toBeLessThanOrEqual(1e-14 * Math.max(1, Math.abs(want)));
      }
    });
  }

  it('accepts an input of exactly 2000 characters and exactly 64 nesting levels', () => {
    const long = `${'1+'.repeat(999)}11`;
    expect(long.length).toBe(2000);
    expect(evaluate(long, 0)).toBe(1010);
    expect(evaluate(`${'('.repeat(64)}theta${')'.repeat(64)}`, 2)).toBe(2);
    expect(evaluate(`${'-'.repeat(64)}theta`, 2)).toBe(2);
    expect(evaluate(`${'sin('.repeat(64)}theta${')'.repeat(64)}`, 0)).toBe(0);
  });

  it('returns IEEE values rather than throwing when evaluating', () => {
    expect(evaluate('1/theta', 0)).toBe(Number.POSITIVE_INFINITY);
    expect(evaluate('log(theta)', -1)).toBeNaN();
  });

  it('rejects a hand-built node of unknown kind', () => {
    expect(() => compileExpression({ kind: 'constructor' } as unknown as ExprNode)).toThrow(TypeError);
  });
});

describe('precedence and associativity', () => {
  const cases: [string, number, number][] = [
    ['2^3^2', 0, 512],
    ['(2^3)^2', 0, 64],
    ['-theta^2', 3, -9],
    ['(-theta)^2', 3, 9],
    ['-2^2', 0, -4],
    ['2*-theta', 3, -6],
    ['2^-1', 0, 0.5],
    ['2^-theta^2', 1, 0.5],
    ['--theta', 3, 3],
    ['+-+theta', 3, -3],
    ['1-2-3', 0, -4],
    ['8/4/2', 0, 1],
    ['2+3*4', 0, 14],
    ['2*3^2', 0, 18],
    ['-3*2', 0, -6],
    ['12/3*2', 0, 8],
  ];
  for (const [source, theta, want] of cases) {
    it(`${source} at theta=${theta} is ${want}`, () => expect(evaluate(source, theta)).toBe(want));
  }

  it('builds a right-leaning tree for ^ and puts unary minus above it', () => {
    const pow = parseExpression('2^3^2');
    expect(pow.kind === 'binary' && pow.op === '^' && pow.right.kind === 'binary').toBe(true);
    const neg = parseExpression('-theta^2');
    expect(neg.kind === 'unary' && neg.operand.kind === 'binary').toBe(true);
  });
});

describe('rejected expressions', () => {
  const ALLOWED = '(allowed: theta, pi, sin, cos, tan, exp, log, sqrt, abs)';
  const FUNCTIONS = '(allowed functions: sin, cos, tan, exp, log, sqrt, abs)';
  const cases: [string, number, string][] = [
    ['x', 1, `unknown identifier 'x' ${ALLOWED}`],
    ['constructor', 1, `unknown identifier 'constructor' ${ALLOWED}`],
    ['__proto__', 1, `unknown identifier '__proto__' ${ALLOWED}`],
    ['toString', 1, 'unknown identifier'],
    ['Math', 1, 'unknown identifier'],
    ['1 + Theta', 5, 'unknown identifier'],
    ['theta.constructor', 6, 'property access is not allowed'],
    ['sin.call', 4, 'property access is not allowed'],
    ['Math.sin(theta)', 5, 'property access is not allowed'],
    ['1.toString', 2, 'property access is not allowed'],
    ['foo(theta)', 1, `unknown function 'foo' ${FUNCTIONS}`],
    ['eval(theta)', 1, `unknown function 'eval' ${FUNCTIONS}`],
    ['2*constructor(theta)', 3, 'unknown function'],
    ['theta(1)', 1, "'theta' is not a function"],
    ['sin(theta, 1)', 10, "unexpected character ','"],
    ['theta[0]', 6, "unexpected character '['"],
    ['theta = 1', 7, "unexpected character '='"],
    ['"theta"', 1, 'strings are not allowed'],
    ['#', 1, "unexpected character '#'"],
    ['θ', 1, "write 'theta'"],
    ['', 1, 'empty expression'],
    ['   ', 4, 'empty expression'],
    ['(theta', 7, "expected ')'"],
    ['sin(theta', 10, "expected ')'"],
    ['theta)', 6, "unmatched ')'"],
    ['1 +', 4, 'missing operand'],
    ['1 + * 2', 5, 'missing operand'],
    ['()', 2, 'missing operand'],
    ['sin theta', 5, "expected '(' after function 'sin'"],
    ['2 theta', 3, 'trailing input'],
    ['2**3', 2, 'use ^ for powers'],
    ['1e', 3, 'malformed number'],
    ['1.', 3, 'malformed number'],
    ['1e999', 1, 'out of range'],
    [`${'1+'.repeat(1000)}1`, 2001, 'input longer than 2000 characters'],
    [`${'('.repeat(100)}theta${')'.repeat(100)}`, 65, 'nesting deeper than 64'],
    [`${'-'.repeat(65)}theta`, 65, 'nesting deeper than 64'],
    [`${'sin('.repeat(65)}theta${')'.repeat(65)}`, 257, 'nesting deeper than 64'],
  ];
  for (const [source, column, problem] of cases) {
    const label = source.length > 40 ? `${source.slice(0, 20)}… (${source.length} chars)` : source;
    it(`rejects ${JSON.stringify(label)} at column ${column}`, () => {
      const e = expressionError(() => parseExpression(source));
      expect(e.column).toBe(column);
      expect(e.message.startsWith(`expression error at column ${column}: `)).toBe(true);
      expect(e.message).toContain(problem);
      expect(e.message).not.toContain('\n');
      expect(e).toBeInstanceOf(Error);
    });
  }
});

describe('parseExpression never fails in any other way (property)', () => {
  const tokens = [
    'theta',
    'pi',
    'sin',
    'cos',
    'tan',
    'exp',
    'log',
    'sqrt',
    'abs',
    '(',
    ')',
    '+',
    '-',
    '*',
    '/',
    '^',
  ];
  const junk = [
    '1',
    '.5',
    '2e-3',
    '1e',
    '.',
    ',',
    '[',
    ']',
    '=',
    'x',
    'constructor',
    '__proto__',
    ' ',
    '#',
    'θ',
  ];
  const tokenSoup = fc
    .array(fc.constantFrom(...tokens, ...junk), { maxLength: 60 })
    .map((parts) => parts.join(''));
  const spacedSoup = fc
    .array(fc.constantFrom(...tokens, ...junk), { maxLength: 60 })
    .map((parts) => parts.join(' '));

  function check(source: string): void {
    let node: ExprNode;
    try {
      node = parseExpression(source);
    } catch (e) {
      if (!(e instanceof ExpressionError)) throw e;
      expect(e.column).toBeGreaterThanOrEqual(1);
      expect(e.column).toBeLessThanOrEqual(source.length + 1);
      expect(e.message).toMatch(/^expression error at column \d+: [^\n]+$/);
      return;
    }
    expect(typeof compileExpression(node)(0.5)).toBe('number');
  }

  it('for arbitrary strings', () => {
    fc.assert(fc.property(fc.string({ maxLength: 200 }), check), { numRuns: 1000 });
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 100 }), check), { numRuns: 500 });
    fc.assert(fc.property(fc.string({ minLength: 1990, maxLength: 2010 }), check), { numRuns: 50 });
  });

  it('for strings built from the grammar tokens and junk', () => {
    fc.assert(fc.property(fc.oneof(tokenSoup, spacedSoup), check), { numRuns: 3000 });
  });

  it('parses generated valid expressions to the value of an independent reference', () => {
    type Gen = { src: string; fn: (t: number) => number };
    const fns: [string, (x: number) => number][] = [
      ['sin', Math.sin],
      ['cos', Math.cos],
      ['exp', Math.exp],
      ['abs', Math.abs],
      ['sqrt', Math.sqrt],
    ];
    const { expr } = fc.letrec<{ expr: Gen }>((tie) => ({
      expr: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        fc.constant<Gen>({ src: 'theta', fn: (t) => t }),
        fc.integer({ min: 0, max: 99 }).map<Gen>((n) => ({ src: `${n / 4}`, fn: () => n / 4 })),
        fc.record({ f: fc.constantFrom(...fns), x: tie('expr') }).map<Gen>(({ f, x }) => ({
          src: `${f[0]}(${x.src})`,
          fn: (t) => f[1](x.fn(t)),
        })),
        fc.record({ x: tie('expr') }).map<Gen>(({ x }) => ({ src: `-(${x.src})`, fn: (t) => -x.fn(t) })),
        fc
          .record({ op: fc.constantFrom('+', '-', '*', '/'), x: tie('expr'), y: tie('expr') })
          .map<Gen>(({ op, x, y }) => ({
            src: `(${x.src}) ${op} (${y.src})`,
            fn: (t) => {
              const [l, r] = [x.fn(t), y.fn(t)];
              return op === '+' ? l + r : op === '-' ? l - r : op === '*' ? l * r : l / r;
            },
          })),
      ),
    }));
    fc.assert(
      fc.property(expr, fc.double({ min: -Math.PI, max: Math.PI, noNaN: true }), (g, t) => {
        expect(Object.is(evaluate(g.src, t), g.fn(t))).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});

/** Checks |actual[i] − want[i]| < tol for every i (with a message naming the index). */
function expectAllClose(actual: number[], want: number[], tol: number): void {
  expect(actual).toHaveLength(want.length);
  for (let i = 0; i < want.length; i++) {
    expect(Math.abs(actual[i] - want[i]), `index ${i}: ${actual[i]} vs ${want[i]}`).toBeLessThan(tol);
  }
}

describe('projectExpression', () => {
  it('projects sin(3θ) onto b_3 alone, with ~1e-15 error', () => {
    const p = projectExpression('sin(3*theta)', 8);
    expect(p.samples).toBe(1024);
    expectAllClose(p.a, [0, 0, 0, 0, 0, 0, 0, 0], 1e-12);
    expectAllClose(p.b, [0, 0, 1, 0, 0, 0, 0, 0], 1e-12);
    expect(Math.abs(p.constant)).toBeLessThan(1e-12);
    expect(p.maxError).toBeLessThan(1e-12);
    expect(p.relativeError).toBeLessThan(1e-12);
  });

  it('recovers a trigonometric polynomial and its constant', () => {
    const p = projectExpression('0.3*cos(theta) - 0.2*sin(2*theta) + 1', 4);
    expectAllClose(p.a, [0.3, 0, 0, 0], 1e-14);
    expectAllClose(p.b, [0, -0.2, 0, 0], 1e-14);
    expect(Math.abs(p.constant - 1)).toBeLessThan(1e-14);
    expect(p.maxError).toBeLessThan(1e-13);
  });

  it('matches the Bessel series exp(cos θ) = I0(1) + 2 Σ I_k(1) cos kθ', () => {
    const I = [1.2660658777520084, 0.5651591039924851, 0.13574766976703828, 0.0221684249243319];
    const p = projectExpression('exp(cos(theta))', 20);
    expect(Math.abs(p.constant - I[0])).toBeLessThan(1e-14);
    for (let k = 1; k <= 3; k++) expect(Math.abs(p.a[k - 1] - 2 * I[k])).toBeLessThan(1e-14);
    expectAllClose(p.b, new Array(20).fill(0), 1e-14);
    expect(p.maxError).toBeLessThan(1e-13);
  });

  it('projects a constant to exactly zero coefficients', () => {
    for (const source of ['2.5', 'sin(theta)^2 + cos(theta)^2']) {
      const p = projectExpression(source, 16);
      expect(p.a.every((x) => x === 0) && p.b.every((x) => x === 0)).toBe(true);
    }
  });

  it('reports a clearly non-zero error for non-smooth or non-periodic expressions', () => {
    const kink = projectExpression('abs(theta)', 16);
    expect(kink.maxError).toBeGreaterThan(1e-3);
    expect(kink.relativeError).toBeGreaterThan(1e-3);
    const kink64 = projectExpression('abs(theta)', MAX_HARMONICS);
    expect(kink64.maxError).toBeGreaterThan(1e-3);
    expect(kink64.maxError).toBeLessThan(kink.maxError);
    expect(projectExpression('theta', 16).maxError).toBeGreaterThan(1);
  });

  it('uses N = max(1024, 16·harmonics) samples', () => {
    expect(projectExpression('cos(theta)', 1).samples).toBe(1024);
    expect(projectExpression('cos(theta)', MAX_HARMONICS).samples).toBe(1024);
  });

  it('throws ExpressionError for expressions that are not finite on the grid', () => {
    const cases: [string, RegExp][] = [
      ['log(0*theta)', /column 1: not finite at theta=-3\.1416 \(value -Infinity\)/],
      ['1/theta', /not finite at theta=0\.0000 \(value Infinity\)/],
      ['1/sin(theta)', /not finite at theta=/],
      ['tan(theta)', /not finite at theta=-1\.5708/],
      ['sqrt(theta)', /value NaN/],
    ];
    for (const [source, message] of cases) {
      const e = expressionError(() => projectExpression(source, 8));
      expect(e.column).toBe(1);
      expect(e.message).toMatch(message);
    }
  });

  it('passes syntax errors through', () => {
    expect(expressionError(() => projectExpression('sin(x)', 8)).column).toBe(5);
  });

  it('rejects harmonics outside 1..64 with a RangeError', () => {
    for (const h of [0, -1, 65, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => projectExpression('sin(theta)', h)).toThrow(RangeError);
      expect(() => projectExpression('sin(theta)', h)).toThrow(/1\.\.64/);
    }
  });
});
