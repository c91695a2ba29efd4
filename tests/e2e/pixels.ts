/**
 * Pixel helpers for the end-to-end tests. Code passed to page.evaluate runs in the browser and cannot call
 * Node's functions, so the in-page ones are installed by E2eApp.open (page.addInitScript) as
 * `window.__e2e`; the page's PNGs are decoded there (no image library on the Node side).
 */
import type { Page } from 'playwright-core';

export interface PagePixels {
  /** A PNG blob's RGBA pixels. */
  decode(blob: Blob): Promise<ImageData>;
  /** A blob's bytes as base64, to carry it out of the page. */
  b64(blob: Blob): Promise<string>;
  /** The largest |a − b| over the RGB channels of the pixel at byte offset i. */
  delta(a: ArrayLike<number>, b: ArrayLike<number>, i: number): number;
  /** How many pixels of a and b (RGBA) differ by more than `threshold` (`delta`). */
  changed(a: ArrayLike<number>, b: ArrayLike<number>, threshold: number): number;
}

declare global {
  interface Window {
    __e2e: PagePixels;
  }
}

/** Defines window.__e2e. Serialised into the page: it must not refer to anything outside itself. */
export function installPagePixels(): void {
  const delta = (a: ArrayLike<number>, b: ArrayLike<number>, i: number) =>
    Math.max(Math.abs(a[i] - b[i]), Math.abs(a[i + 1] - b[i + 1]), Math.abs(a[i + 2] - b[i + 2]));
  window.__e2e = {
    async decode(blob) {
      const bmp = await createImageBitmap(blob);
      const g = new OffscreenCanvas(bmp.width, bmp.height).getContext('2d')!;
      g.drawImage(bmp, 0, 0);
      return g.getImageData(0, 0, bmp.width, bmp.height);
    },
    async b64(blob) {
      const bytes = new Uint8Array(await blob.arrayBuffer());
      let bin = '';
      for (let i = 0; i < bytes.length; i += 0x8000)
        bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
      return btoa(bin);
    },
    delta,
    changed(a, b, threshold) {
      let n = 0;
      for (let i = 0; i < a.length; i += 4) if (delta(a, b, i) > threshold) n++;
      return n;
    },
  };
}

/** lab.screenshot()'s size, luminance variance (a flat or black canvas is ~0) and PNG (base64). */
export function screenshotStats(
  page: Page,
): Promise<{ w: number; h: number; variance: number; png: string }> {
  return page.evaluate(async () => {
    const blob = await window.lab!.screenshot();
    const { data: px, width, height } = await window.__e2e.decode(blob);
    let sum = 0;
    let sq = 0;
    for (let i = 0; i < px.length; i += 4) {
      const l = 0.2126 * px[i] + 0.7152 * px[i + 1] + 0.0722 * px[i + 2];
      sum += l;
      sq += l * l;
    }
    const n = px.length / 4;
    const mean = sum / n;
    return { w: width, h: height, variance: sq / n - mean * mean, png: await window.__e2e.b64(blob) };
  });
}
