/**
 * The raw exponential run w̃ is not in the history ring: the ring holds the projected run p_k = c_k·w̃_k
 * (sample k at step k·sampleEvery). The host knows log2 c at every step exactly (from the schedule), so the
 * shader divides in log space: w̃ = (p/|p|)·2^(log2|p| − log2 c_k). |w̃| grows like α^{−t} and leaves
 * float32 range long before the run ends; the exponent is further shifted by the zooming pane's scale and
 * capped, so no f32 overflows. These functions are the host side and a float64 mirror of the shader.
 */
import { type ExponentialSchedule, log2ProjectionFactor } from '../core/schedule';

/** Largest log2 of a drawn coordinate (in units of the camera's shifted world): far off screen, finite. */
export const LOG2_CAP = 100;

/** Fills out[k mod slots] with log2 c at sample k's step, for samples from…to (the ring's live range). */
export function fillSampleLog2c(
  out: Float32Array,
  schedule: ExponentialSchedule,
  sampleEvery: number,
  from: number,
  to: number,
): void {
  const slots = out.length;
  for (let k = Math.max(from, to - slots + 1); k <= to; k++) {
    out[k % slots] = log2ProjectionFactor(schedule, k * sampleEvery);
  }
}

/**
 * log2 of the zooming pane's scale: the right pane of the side-by-side view shows w̃ with half-height
 * H·2^shift, H the left pane's, shift = −log2 c_t at the newest sample's step t. Since w̃_t = w_t / c_t the
 * newest raw point then sits where the weight-decay point sits on the left: a constant zoom-out by 1/α
 * a step, with no read-back of |w̃| from the GPU.
 */
export function zoomShift(schedule: ExponentialSchedule, newestSample: number, sampleEvery: number): number {
  return -log2ProjectionFactor(schedule, newestSample * sampleEvery);
}

/** Float64 mirror of the shader's raw_position: w̃ / 2^shift from the projected sample p. */
export function rawPoint(px: number, py: number, log2c: number, shift = 0): [number, number] {
  const r = Math.hypot(px, py);
  if (r === 0) return [0, 0];
  const m = Math.min(Math.log2(r) - log2c - shift, LOG2_CAP);
  const s = 2 ** m / r;
  return [px * s, py * s];
}
