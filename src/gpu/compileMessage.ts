/**
 * A WGSL compile error in the trajectory kernel, said in terms of the user's input. The kernel's only
 * user-dependent parts are the loss (its coefficients are compiled in as constants, one line per harmonic)
 * and the precision, so that is what the message names, with what to try; the compiler's own first
 * message follows for a bug report.
 */
import type { FourierLoss } from '../core/loss';
import { ShaderCompileError } from './errors';
import type { GpuPrecision } from './layout';

export class KernelCompileError extends Error {
  override name = 'KernelCompileError';
}

export function explainKernelCompileError(e: unknown, loss: FourierLoss, precision: GpuPrecision): unknown {
  if (!(e instanceof ShaderCompileError)) return e;
  const first = e.messages.find((m) => m.type === 'error') ?? e.messages[0];
  const detail = first ? ` (compiler: line ${first.lineNum}: ${first.message})` : '';
  const other = precision === 'df64' ? 'f32' : 'df64';
  return new KernelCompileError(
    `this GPU's shader compiler rejected the ${precision} kernel built for your loss (${loss.a.length} ` +
      `harmonics, compiled in as constants): try fewer harmonics, precision "${other}", or another loss` +
      `${detail}`,
  );
}
