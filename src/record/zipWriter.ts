/**
 * A PNG sequence as one zip (fflate): each frame's PNG is added as it comes, stored (PNG is compressed
 * already), named frame-0000.png, frame-0001.png, … (zero-padded to at least four digits, so the names sort
 * in frame order).
 */
import { Zip, ZipPassThrough } from 'fflate';

/** The name of frame i of `frames` in the zip. */
export function frameName(i: number, frames: number): string {
  const digits = Math.max(4, String(Math.max(0, frames - 1)).length);
  return `frame-${String(i).padStart(digits, '0')}.png`;
}

export class PngZipWriter {
  private readonly parts: Uint8Array<ArrayBuffer>[] = [];
  private readonly zip: Zip;
  private error: Error | null = null;
  private ended = false;
  private frames = 0;

  /** `frames`: how many frames the zip will hold (sets the names' padding). */
  constructor(readonly total: number) {
    this.zip = new Zip((err, chunk, final) => {
      if (err) this.error = err;
      else this.parts.push(chunk as Uint8Array<ArrayBuffer>);
      if (final) this.ended = true;
    });
  }

  get frameCount(): number {
    return this.frames;
  }

  /** Adds the next frame's PNG file. */
  add(png: Uint8Array): void {
    if (this.frames >= this.total)
      throw new RangeError(`PNG zip: more than the ${this.total} frames announced`);
    const entry = new ZipPassThrough(frameName(this.frames++, this.total));
    this.zip.add(entry);
    entry.push(png, true);
    if (this.error) throw this.error;
  }

  finish(): Blob {
    this.zip.end();
    if (this.error) throw this.error;
    if (!this.ended) throw new Error('PNG zip: the archive did not close');
    return new Blob(this.parts, { type: 'application/zip' });
  }
}
