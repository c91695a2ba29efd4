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

type Stops = readonly (readonly [number, number, number])[];

/**
 * `const COLORMAP` and `COLORMAP_STOPS` for the fullscreen shaders (values are sRGB in [0, 1]): viridis, or
 * the given stops (a theme's colormap, src/render/theme.ts).
 */
export function colormapWgsl(stops: Stops = VIRIDIS): string {
  return [`const COLORMAP_STOPS: u32 = ${stops.length}u;`, ...wgslTable('COLORMAP', stops), ''].join('\n');
}

/** A CSS linear-gradient with the same stops, running in `direction` (e.g. "to top"). */
export function colormapCss(direction: string, stops: Stops = VIRIDIS): string {
  return gradientCss(stops, direction);
}

/** sRGB bytes of plasma (matplotlib) at t = 0, 0.1, …, 1: divergence steps, distinct from the heatmap's. */
export const PLASMA: readonly (readonly [number, number, number])[] = [
  [0x0d, 0x08, 0x87],
  [0x41, 0x04, 0x9d],
  [0x6a, 0x00, 0xa8],
  [0x8f, 0x0d, 0xa4],
  [0xb1, 0x2a, 0x90],
  [0xcc, 0x47, 0x78],
  [0xe1, 0x64, 0x62],
  [0xf2, 0x84, 0x4b],
  [0xfc, 0xa6, 0x36],
  [0xfc, 0xce, 0x25],
  [0xf0, 0xf9, 0x21],
];

/** Tableau 10: categorical colours for basins (cycled beyond ten). */
export const CATEGORICAL: readonly (readonly [number, number, number])[] = [
  [0x4e, 0x79, 0xa7],
  [0xf2, 0x8e, 0x2b],
  [0xe1, 0x57, 0x59],
  [0x76, 0xb7, 0xb2],
  [0x59, 0xa1, 0x4f],
  [0xed, 0xc9, 0x48],
  [0xb0, 0x7a, 0xa1],
  [0xff, 0x9d, 0xa7],
  [0x9c, 0x75, 0x5f],
  [0xba, 0xb0, 0xac],
];

/** Grey for "no divergence step". */
export const NO_DIVERGENCE: readonly [number, number, number] = [0x99, 0x99, 0x99];

const wgslTable = (name: string, rows: readonly (readonly [number, number, number])[]) => [
  `const ${name} = array<vec3<f32>, ${rows.length}>(`,
  ...rows.map(
    ([r, g, b]) => `  vec3<f32>(${(r / 255).toFixed(6)}, ${(g / 255).toFixed(6)}, ${(b / 255).toFixed(6)}),`,
  ),
  ');',
];

/** `PLASMA`, `CATEGORICAL` tables and `NO_DIVERGENCE` for the path shader. */
export function pathPalettesWgsl(): string {
  const [r, g, b] = NO_DIVERGENCE.map((x) => (x / 255).toFixed(6));
  return [
    ...wgslTable('PLASMA', PLASMA),
    ...wgslTable('CATEGORICAL', CATEGORICAL),
    `const NO_DIVERGENCE = vec3<f32>(${r}, ${g}, ${b});`,
    '',
  ].join('\n');
}

/** CSS linear-gradient of plasma. */
export function plasmaCss(direction: string): string {
  return gradientCss(PLASMA, direction);
}

/** Evenly spaced stops of `table` as a CSS linear-gradient running in `direction`. */
function gradientCss(table: readonly (readonly [number, number, number])[], direction: string): string {
  const n = table.length - 1;
  const stops = table.map(([r, g, b], i) => `rgb(${r}, ${g}, ${b}) ${((100 * i) / n).toFixed(1)}%`);
  return `linear-gradient(${direction}, ${stops.join(', ')})`;
}

export const rgbCss = ([r, g, b]: readonly [number, number, number]): string => `rgb(${r}, ${g}, ${b})`;

/** Colour by trajectory index: hue i/count at full saturation (the WGSL `index_color` is the same formula). */
export function hueRgb(t: number): [number, number, number] {
  const h = 6 * (t - Math.floor(t));
  const c = (k: number) => {
    const x = (k + h) % 6;
    return Math.round(255 * (1 - 0.8 * Math.max(0, Math.min(1, Math.min(x, 4 - x)))));
  };
  return [c(5), c(3), c(1)];
}

/** CSS gradient running through the index hues. */
export function hueCss(direction: string): string {
  const stops = [0, 1, 2, 3, 4, 5, 6].map((i) => `${rgbCss(hueRgb(i / 6))} ${((100 * i) / 6).toFixed(1)}%`);
  return `linear-gradient(${direction}, ${stops.join(', ')})`;
}
