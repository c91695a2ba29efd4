/**
 * Animated GIF through gifenc (mattdesl): each frame is quantised to its own 256-colour palette (PNN
 * quantiser over an RGB565 histogram) and LZW-encoded as it comes, so memory holds one frame and the file.
 *
 * Why a palette per frame and not one global palette: a recording's colours change as it runs (paths are
 * drawn over the heatmap step by step, a tour changes figure, captions appear), and a global palette
 * sampled from the first frames would lack the colours that come later; sampling ahead would mean holding
 * frames. A local colour table costs 768 bytes a frame. The heatmap barely changes between frames, so
 * consecutive palettes are nearly the same and the picture does not shimmer.
 *
 * Delays: GIF counts in hundredths of a second, so 1 / fps is rarely whole. Frame i lasts
 * round(100 (i + 1) / fps) − round(100 i / fps) hundredths: at 30 fps 3, 4, 3, 3, 4, 3, …, and n frames last
 * n / fps seconds to within 5 ms. Browsers stretch delays under 2 hundredths, hence GIF_MAX_FPS = 50.
 */
import { applyPalette, GIFEncoder, quantize } from 'gifenc';

export const GIF_MAX_FPS = 50;

/** Delay of frame i in hundredths of a second (the sum over n frames is round(100 n / fps)). */
export function gifDelay(i: number, fps: number): number {
  return Math.round((100 * (i + 1)) / fps) - Math.round((100 * i) / fps);
}

export class GifWriter {
  private readonly gif = GIFEncoder({ auto: false, initialCapacity: 1 << 16 });
  /** Encoded bytes so far, moved out of the encoder's buffer after every frame. */
  private readonly parts: Uint8Array<ArrayBuffer>[] = [];
  private frames = 0;
  private bytes = 0;

  constructor(
    readonly width: number,
    readonly height: number,
    readonly fps: number,
  ) {
    if (!(Number.isInteger(fps) && fps >= 1 && fps <= GIF_MAX_FPS))
      throw new RangeError(
        `GIF export needs fps in 1..${GIF_MAX_FPS} (GIF delays are hundredths of a second), got ${fps}`,
      );
    if (width > 65535 || height > 65535) throw new RangeError(`GIF is limited to 65535×65535 pixels`);
    this.gif.writeHeader();
  }

  get frameCount(): number {
    return this.frames;
  }

  /** Bytes written so far. */
  get size(): number {
    return this.bytes + this.gif.stream.bytesView().length;
  }

  /** Encodes one frame of RGBA pixels (width × height × 4 bytes; alpha ignored). */
  add(rgba: Uint8Array | Uint8ClampedArray): void {
    const n = this.width * this.height * 4;
    if (rgba.length !== n)
      throw new RangeError(
        `GIF frame: ${rgba.length} bytes, expected ${n} (${this.width}×${this.height} RGBA)`,
      );
    const palette = quantize(rgba, 256, { format: 'rgb565' });
    const index = applyPalette(rgba, palette, 'rgb565');
    const i = this.frames++;
    this.gif.writeFrame(index, this.width, this.height, {
      palette,
      first: i === 0,
      repeat: 0, // loop forever
      delay: 10 * gifDelay(i, this.fps),
    });
    this.flush();
  }

  /** Ends the stream; the writer is done. */
  finish(): Blob {
    if (this.frames === 0) throw new Error('GIF export: no frames were written');
    this.gif.finish();
    this.flush();
    return new Blob(this.parts, { type: 'image/gif' });
  }

  private flush(): void {
    const chunk = this.gif.stream.bytes() as Uint8Array<ArrayBuffer>;
    this.gif.stream.reset();
    this.parts.push(chunk);
    this.bytes += chunk.length;
  }
}
