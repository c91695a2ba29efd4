/**
 * The themes' colours (src/render/theme.ts): every run colour must keep a contrast ratio of at least 3 : 1
 * (WCAG 2's non-text contrast) against every stop of its theme's heatmap colormap (the extremes included)
 * and against the theme's background. The ratio is computed here from the WCAG 2 definition (sRGB →
 * linear → relative luminance), not with the module's helpers. Sabotage: the dark theme's run colours on the
 * light theme's heatmap and background fail, and so do the light ones on the dark theme's.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_VIEW } from '../../src/playground/viewState';
import { colormapWgsl, VIRIDIS } from '../../src/render/colormap';
import { legendFor } from '../../src/render/legend';
import {
  clearColor,
  MIN_RUN_CONTRAST,
  runColor,
  THEME_PALETTES,
  type ThemePalette,
} from '../../src/render/theme';

type Rgb = readonly [number, number, number];

/** WCAG 2 relative luminance of sRGB bytes. */
function luminance([r, g, b]: Rgb): number {
  const lin = (c: number) => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
}

function contrast(a: Rgb, b: Rgb): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

/** The least contrast of each run colour of `runs` against `ground`'s colormap stops and background. */
function worst(runs: ThemePalette['runs'], ground: ThemePalette): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [name, c] of Object.entries(runs)) {
    out[name] = Math.min(...ground.colormap.map((s) => contrast(c, s)), contrast(c, ground.clear));
  }
  return out;
}

describe('theme palettes', () => {
  const { dark, light } = THEME_PALETTES;

  it('every run colour has ≥ 3:1 contrast on its own theme (heatmap extremes, every stop, background)', () => {
    for (const [theme, p] of Object.entries(THEME_PALETTES)) {
      const w = worst(p.runs, p);
      console.log(
        `${theme}: least contrast per run`,
        Object.entries(w)
          .map(([k, v]) => `${k} ${v.toFixed(2)}`)
          .join(', '),
        `| vs colormap min ${p.colormap[0]} / max ${p.colormap.at(-1)} / background ${p.clear}`,
      );
      for (const v of Object.values(w)) expect(v).toBeGreaterThanOrEqual(MIN_RUN_CONTRAST);
    }
    expect(MIN_RUN_CONTRAST).toBe(3);
  });

  it('sabotage: the dark palette on the light theme fails, and the light palette on the dark one', () => {
    const darkOnLight = worst(dark.runs, light);
    const lightOnDark = worst(light.runs, dark);
    console.log('dark runs on light:', darkOnLight, 'light runs on dark:', lightOnDark);
    expect(Math.min(...Object.values(darkOnLight))).toBeLessThan(MIN_RUN_CONTRAST);
    expect(Math.min(...Object.values(lightOnDark))).toBeLessThan(MIN_RUN_CONTRAST);
  });

  it('the old colours (white/orange/cyan on full viridis) fail: the heatmap had to be toned', () => {
    const old = {
      weightDecay: [255, 255, 255],
      projected: [255, 107, 26],
      exponential: [77, 217, 255],
    } as const;
    const ground = { ...dark, colormap: VIRIDIS };
    expect(Math.min(...Object.values(worst(old, ground)))).toBeLessThan(MIN_RUN_CONTRAST);
  });

  it('light colormap is light, dark colormap dark; both keep viridis order (luminance rises with t)', () => {
    const mean = (p: ThemePalette) => p.colormap.reduce((s, c) => s + luminance(c), 0) / p.colormap.length;
    expect(mean(light)).toBeGreaterThan(0.5);
    expect(mean(dark)).toBeLessThan(0.1);
    for (const p of [dark, light]) {
      expect(p.colormap).toHaveLength(VIRIDIS.length);
      for (let i = 1; i < p.colormap.length; i++)
        expect(luminance(p.colormap[i])).toBeGreaterThan(luminance(p.colormap[i - 1]));
    }
    expect(luminance(light.clear)).toBeGreaterThan(0.8);
    expect(luminance(dark.clear)).toBeLessThan(0.01);
  });

  it('the shader table, path colours, clear colour and legend come from the theme', () => {
    const wgsl = colormapWgsl(light.colormap);
    const [r, g, b] = light.colormap[0].map((x) => (x / 255).toFixed(6));
    expect(wgsl).toContain(`vec3<f32>(${r}, ${g}, ${b})`);
    expect(runColor('projected', 'light')).toEqual(light.runs.projected.map((x) => x / 255));
    expect(clearColor('light')).toMatchObject({ r: light.clear[0] / 255, a: 1 });
    const spec = legendFor(
      { ...DEFAULT_VIEW, theme: 'light' },
      {
        basins: null,
        endStep: 0,
        zoomLog2: 0,
        hasSchedule: true,
      },
    );
    expect(spec.theme).toBe('light');
    expect(spec.runs[0].color).toBe(`rgb(${light.runs.weightDecay.join(', ')})`);
  });
});
