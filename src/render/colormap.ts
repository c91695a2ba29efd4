/**
 * The heatmap's colormap, defined once: viridis (matplotlib, perceptually uniform) at 11 stops. The WGSL
 * lookup table and the DOM legend are both generated from this list, so they cannot disagree.
 */

/** sRGB bytes of viridis at t = 0, 0.1, …, 1. */
export const VIRIDIS: readonly (readonly [number, number, number])[] = [
  [0x44, 0x01, 0x54],
  [0x48, 0x24, 0x75],
  [0x41, 0x44, 0x87],
  [0x35, 0x5f, 0x8d],
  [0x2a, 0x78, 0x8e],
  [0x21, 0x91, 0x8c],
  [0x22, 0xa8, 0x84],
  [0x44, 0xbf, 0x70],
  [0x7a, 0xd1, 0x51],
  [0xbd, 0xdf, 0x26],
  [0xfd, 0xe7, 0x25],
];

/** `const COLORMAP` and `COLORMAP_STOPS` for the heatmap shader (values are sRGB in [0, 1]). */
export function colormapWgsl(): string {
  const rows = VIRIDIS.map(
    ([r, g, b]) => `  vec3<f32>(${(r / 255).toFixed(6)}, ${(g / 255).toFixed(6)}, ${(b / 255).toFixed(6)}),`,
  );
  return [
    `const COLORMAP_STOPS: u32 = ${VIRIDIS.length}u;`,
    `const COLORMAP = array<vec3<f32>, ${VIRIDIS.length}>(`,
    ...rows,
    ');',
    '',
  ].join('\n');
}

/** A CSS linear-gradient with the same stops, running in `direction` (e.g. "to top"). */
export function colormapCss(direction: string): string {
  const n = VIRIDIS.length - 1;
  const stops = VIRIDIS.map(([r, g, b], i) => `rgb(${r}, ${g}, ${b}) ${((100 * i) / n).toFixed(1)}%`);
  return `linear-gradient(${direction}, ${stops.join(', ')})`;
}
