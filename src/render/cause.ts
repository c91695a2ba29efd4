/**
 * Path colours by divergence cause (src/core/cause.ts), defined once for the WGSL and the legend: a code
 * per cause (0: no divergence, then 1 + the cause's index in DIVERGENCE_CAUSES) and an Okabe–Ito colour
 * per code, chosen to stay distinct under the common colour-vision deficiencies. The WGSL function itself
 * is shaders/render_cause.wgsl; causeWgsl() prepends the codes and the palette it needs.
 */
import causeFnWgsl from '../../shaders/render_cause.wgsl?raw';
import { DIVERGENCE_CAUSES, type DivergenceCause } from '../core/cause';
import { NO_DIVERGENCE } from './colormap';

type Rgb = readonly [number, number, number];

/** WGSL code of a cause: 0 for none. */
export function causeCode(cause: DivergenceCause | null): number {
  return cause === null ? 0 : 1 + DIVERGENCE_CAUSES.indexOf(cause);
}

/** The cause of a WGSL code (the inverse of causeCode); throws on a code no cause has. */
export function causeOfCode(code: number): DivergenceCause | null {
  if (code === 0) return null;
  const c = DIVERGENCE_CAUSES[code - 1];
  if (c === undefined) throw new RangeError(`no divergence cause has code ${code}`);
  return c;
}

/** sRGB bytes per cause (Okabe & Ito 2008). */
export const CAUSE_RGB: Record<DivergenceCause, Rgb> = {
  chaos: [0xe6, 0x9f, 0x00], // orange
  absorbed: [0x56, 0xb4, 0xe9], // sky blue
  range: [0xd5, 0x5e, 0x00], // vermillion
  precision: [0xcc, 0x79, 0xa7], // reddish purple
};
/** "No divergence": the same grey as the divergence-step colouring's. */
export const NO_CAUSE_RGB: Rgb = NO_DIVERGENCE;

export const CAUSE_LABEL: Record<DivergenceCause | 'none', string> = {
  range: 'range: a value overflowed or underflowed',
  absorbed: 'absorbed: a run stuck at an exact stationary point',
  chaos: 'chaos: split after the instability crossing',
  precision: 'precision: split before the crossing',
  none: 'not diverged',
};

/** Colour of a code, as in the WGSL table. */
export function causeRgb(cause: DivergenceCause | null): Rgb {
  return cause === null ? NO_CAUSE_RGB : CAUSE_RGB[cause];
}

/** The codes, the CAUSE_COLORS table (indexed by code) and divergence_cause(m: Metric) -> u32. */
export function causeWgsl(): string {
  const codes = [null, ...DIVERGENCE_CAUSES].map(
    (c) => `const CAUSE_${(c ?? 'none').toUpperCase()}: u32 = ${causeCode(c)}u;`,
  );
  const rows = [null, ...DIVERGENCE_CAUSES].map((c) => {
    const [r, g, b] = causeRgb(c).map((x) => (x / 255).toFixed(6));
    return `  vec3<f32>(${r}, ${g}, ${b}),`;
  });
  return [
    ...codes,
    `const CAUSE_COLORS = array<vec3<f32>, ${rows.length}>(`,
    ...rows,
    ');',
    causeFnWgsl,
  ].join('\n');
}
