/**
 * The canvas a video is encoded from: the off-screen WebGPU frame copied onto a 2-D canvas of the export's
 * size, with an optional caption burnt in (a band at the bottom, text wrapped to at most three lines).
 * The caption's size is given at 1080 lines and scaled with the height, so it reads the same at every size.
 */
export interface CaptionStyle {
  /** Font size in pixels at 1080 lines. */
  size: number;
  theme: 'dark' | 'light';
}

const MAX_LINES = 3;

export class Compositor {
  readonly canvas: HTMLCanvasElement;
  private readonly g: CanvasRenderingContext2D;

  /**
   * `alpha`: keep the frame's transparency (transparent exports); otherwise the canvas is opaque.
   * `readback`: the pixels are read on the CPU every frame (GIF), so keep the canvas there.
   */
  constructor(
    readonly width: number,
    readonly height: number,
    private readonly options: { alpha?: boolean; readback?: boolean } = {},
  ) {
    this.canvas = document.createElement('canvas');
    this.canvas.width = width;
    this.canvas.height = height;
    // willReadFrequently moves the canvas to the CPU: only for GIF, which reads every frame's pixels.
    const g = this.canvas.getContext('2d', {
      alpha: options.alpha === true,
      willReadFrequently: options.readback === true,
    });
    if (!g) throw new Error('a 2-D canvas context is needed to compose video frames');
    this.g = g;
  }

  /** Draws `frame` (the export's size) and, when given, the caption over it. */
  draw(frame: CanvasImageSource, caption: string | null, style: CaptionStyle): void {
    const g = this.g;
    // With alpha, drawImage blends over the last frame: start from transparent.
    if (this.options.alpha) g.clearRect(0, 0, this.width, this.height);
    g.drawImage(frame, 0, 0, this.width, this.height);
    if (caption) this.drawCaption(caption, style);
  }

  /** The composed frame's RGBA pixels (straight alpha). */
  pixels(): Uint8ClampedArray {
    return this.g.getImageData(0, 0, this.width, this.height).data;
  }

  /** The composed frame as PNG (with its alpha channel when the compositor keeps alpha). */
  png(): Promise<Blob> {
    return new Promise((resolve, reject) => {
      this.canvas.toBlob((b) =>
        b ? resolve(b) : reject(new Error('the frame could not be encoded as PNG')),
      );
    });
  }

  private drawCaption(text: string, style: CaptionStyle): void {
    const g = this.g;
    const px = Math.max(10, Math.round((style.size * this.height) / 1080));
    g.font = `${px}px system-ui, sans-serif`;
    const pad = Math.round(px * 0.6);
    const lines = wrap(text, this.width - 4 * pad, (s) => g.measureText(s).width);
    const lineH = Math.round(px * 1.25);
    const bandH = lines.length * lineH + 2 * pad;
    const y0 = this.height - bandH - pad;
    const dark = style.theme === 'dark';
    g.fillStyle = dark ? 'rgba(13, 13, 20, 0.78)' : 'rgba(250, 250, 252, 0.85)';
    g.fillRect(pad, y0, this.width - 2 * pad, bandH);
    g.fillStyle = dark ? '#e8e8f0' : '#15151c';
    g.textBaseline = 'top';
    g.textAlign = 'center';
    lines.forEach((line, i) => {
      g.fillText(line, this.width / 2, y0 + pad + i * lineH);
    });
  }
}

/** Greedy word wrap to `maxWidth`; beyond MAX_LINES the last line ends with an ellipsis. */
export function wrap(text: string, maxWidth: number, measure: (s: string) => number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    const next = line ? `${line} ${word}` : word;
    if (line && measure(next) > maxWidth) {
      lines.push(line);
      line = word;
    } else {
      line = next;
    }
  }
  if (line) lines.push(line);
  if (lines.length <= MAX_LINES) return lines;
  const kept = lines.slice(0, MAX_LINES);
  kept[MAX_LINES - 1] = `${kept[MAX_LINES - 1]} …`;
  return kept;
}
