/**
 * A trajectory-kernel compile error is reported in terms of the user's input (src/gpu/compileMessage.ts).
 * Pure: the error is built by hand, since valid configs never produce WGSL the compiler rejects.
 */
import { describe, expect, it } from 'vitest';
import { findPreset } from '../../src/core/presets';
import { explainKernelCompileError, KernelCompileError } from '../../src/gpu/compileMessage';
import { ShaderCompileError } from '../../src/gpu/errors';

describe('explainKernelCompileError', () => {
  const loss = findPreset('rugged')!.loss;
  it('names the loss, the precision and what to try, and keeps the compiler message', () => {
    const raw = new ShaderCompileError('trajectory-df64 shader', [
      { type: 'warning', message: 'unused', lineNum: 3, linePos: 1 },
      { type: 'error', message: 'expected expression', lineNum: 412, linePos: 9 },
    ]);
    const e = explainKernelCompileError(raw, loss, 'df64');
    expect(e).toBeInstanceOf(KernelCompileError);
    const m = (e as Error).message;
    expect(m).toContain(`your loss (${loss.a.length} harmonics`);
    expect(m).toContain('precision "f32"');
    expect(m).toContain('line 412: expected expression');
    expect(m).not.toContain('\n'); // one line: the CLI prints it as such
  });
  it('passes other errors through unchanged', () => {
    const other = new RangeError('x');
    expect(explainKernelCompileError(other, loss, 'f32')).toBe(other);
  });
});
