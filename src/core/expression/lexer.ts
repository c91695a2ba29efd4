/**
 * Tokenizer for the loss-expression language (a function of `theta`, see docs/math.md §1), and the error type
 * every stage throws. The lexer is the first line of defence: it only ever produces numbers, ASCII
 * identifiers, the five operators and parentheses, so nothing the user types can reach a property lookup.
 */

/** One-argument functions the language knows (kept as a list: the parser looks names up in a Set). */
export const FUNCTION_NAMES = ['sin', 'cos', 'tan', 'exp', 'log', 'sqrt', 'abs'] as const;
export type FunctionName = (typeof FUNCTION_NAMES)[number];

export const MAX_SOURCE_LENGTH = 2000;

/** The names a user may write, for error messages. */
export const ALLOWED_NAMES = `theta, pi, ${FUNCTION_NAMES.join(', ')}`;
const ALLOWED_CHARACTERS = `digits, '.', names (${ALLOWED_NAMES}), + - * / ^, ( ) and whitespace`;

/** A syntax or evaluation error, pointing at a 1-based column (UTF-16 code units) of the source. */
export class ExpressionError extends Error {
  readonly column: number;

  constructor(column: number, problem: string) {
    super(`expression error at column ${column}: ${problem}`);
    this.name = 'ExpressionError';
    this.column = column;
  }
}

export type TokenKind = 'number' | 'ident' | 'op' | '(' | ')' | 'eof';

export interface Token {
  readonly kind: TokenKind;
  /** The source text of the token ('' for eof). */
  readonly text: string;
  /** 1-based column of the first character; length + 1 for eof. */
  readonly column: number;
  /** The literal's value for numbers, NaN otherwise. */
  readonly value: number;
}

const isDigit = (c: string): boolean => c >= '0' && c <= '9';
const isIdentStart = (c: string): boolean =>
  (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c === '_' || c === '$';
const isIdentPart = (c: string): boolean => isIdentStart(c) || isDigit(c);
const isSpace = (c: string): boolean =>
  c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f' || c === '\v';

/** Shows a character safely on one line: printable ASCII and letters quoted, everything else as U+XXXX. */
export function showChar(source: string, index: number): string {
  const cp = source.codePointAt(index) ?? 0;
  const printable =
    cp > 0x20 && cp !== 0x7f && !(cp >= 0x80 && cp <= 0xa0) && !(cp >= 0xd800 && cp <= 0xdfff);
  if (printable && cp < 0x2000) return `'${String.fromCodePoint(cp)}'`;
  return `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** Hints for characters people try; a Map, so no user text is ever used as an object key. */
const CHARACTER_HINTS: ReadonlyMap<string, string> = new Map([
  [',', 'functions take exactly one argument'],
  ['[', 'indexing is not allowed'],
  [']', 'indexing is not allowed'],
  ['=', 'assignment and comparison are not allowed'],
  ['"', 'strings are not allowed'],
  ["'", 'strings are not allowed'],
  ['`', 'strings are not allowed'],
  ['.', "a number needs a digit after '.', e.g. .5"],
  ['θ', "write 'theta'"],
  ['π', "write 'pi'"],
]);

/** Why a character cannot start a token; specific hints for the usual attempts to escape the language. */
function unexpectedCharacter(source: string, i: number): ExpressionError {
  const c = source[i];
  const next = source[i + 1] ?? '';
  if (c === '.' && isIdentStart(next)) {
    return new ExpressionError(i + 1, `property access is not allowed (allowed: ${ALLOWED_CHARACTERS})`);
  }
  const hint = CHARACTER_HINTS.get(c);
  const prefix = hint === undefined ? '' : `${hint}; `;
  return new ExpressionError(
    i + 1,
    `unexpected character ${showChar(source, i)} (${prefix}allowed: ${ALLOWED_CHARACTERS})`,
  );
}

/** Reads a number starting at i: digits [. digits] | . digits, then an optional exponent [eE][+-]digits. */
function readNumber(source: string, start: number): { end: number; value: number } {
  let i = start;
  while (isDigit(source[i] ?? '')) i++;
  if (source[i] === '.') {
    if (isIdentStart(source[i + 1] ?? '')) throw unexpectedCharacter(source, i); // `1.toString`
    i++;
    if (!isDigit(source[i] ?? '')) {
      const what = `malformed number '${source.slice(start, i)}'`;
      throw new ExpressionError(
        i + 1,
        `${what}: expected a digit after '.' (numbers look like 12, 1.5, .5, 1e-3)`,
      );
    }
    while (isDigit(source[i] ?? '')) i++;
  }
  if (source[i] === 'e' || source[i] === 'E') {
    i++;
    if (source[i] === '+' || source[i] === '-') i++;
    if (!isDigit(source[i] ?? '')) {
      const what = `malformed number '${source.slice(start, i)}'`;
      throw new ExpressionError(i + 1, `${what}: expected digits in the exponent (e.g. 1e-3, 2.5E+2)`);
    }
    while (isDigit(source[i] ?? '')) i++;
  }
  const text = source.slice(start, i);
  // Number() is safe here: `text` has just been checked to match the decimal-literal grammar.
  const value = Number(text);
  if (!Number.isFinite(value)) {
    throw new ExpressionError(start + 1, `number '${text}' is out of range (at most about 1.8e308 allowed)`);
  }
  return { end: i, value };
}

/** Splits the source into tokens, ending with one eof token. Enforces the length limit first. */
export function tokenize(source: string): Token[] {
  if (source.length > MAX_SOURCE_LENGTH) {
    throw new ExpressionError(
      MAX_SOURCE_LENGTH + 1,
      `input longer than ${MAX_SOURCE_LENGTH} characters (at most ${MAX_SOURCE_LENGTH} allowed)`,
    );
  }
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const c = source[i];
    if (isSpace(c)) {
      i++;
    } else if (isDigit(c) || (c === '.' && isDigit(source[i + 1] ?? ''))) {
      const { end, value } = readNumber(source, i);
      tokens.push({ kind: 'number', text: source.slice(i, end), column: i + 1, value });
      i = end;
    } else if (isIdentStart(c)) {
      let end = i + 1;
      while (end < source.length && isIdentPart(source[end])) end++;
      tokens.push({ kind: 'ident', text: source.slice(i, end), column: i + 1, value: Number.NaN });
      i = end;
    } else if (c === '*' && source[i + 1] === '*') {
      throw new ExpressionError(i + 1, "'**' is not allowed (use ^ for powers, e.g. theta^2)");
    } else if (c === '+' || c === '-' || c === '*' || c === '/' || c === '^') {
      tokens.push({ kind: 'op', text: c, column: i + 1, value: Number.NaN });
      i++;
    } else if (c === '(' || c === ')') {
      tokens.push({ kind: c, text: c, column: i + 1, value: Number.NaN });
      i++;
    } else {
      throw unexpectedCharacter(source, i);
    }
  }
  tokens.push({ kind: 'eof', text: '', column: source.length + 1, value: Number.NaN });
  return tokens;
}
