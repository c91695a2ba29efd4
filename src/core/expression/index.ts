/**
 * A safe expression language in `theta` (no eval, no property lookups on user text) and its projection
 * onto Fourier harmonics, used for losses given as formulas instead of coefficients.
 */
export { compileExpression } from './evaluate';
export { ExpressionError } from './lexer';
export { type ExprNode, parseExpression } from './parser';
export { type FourierProjection, MAX_HARMONICS, projectExpression } from './project';
