/**
 * Where an export's frames go, one per add() after the compositor has drawn it: a WebM/MP4 video
 * (WebCodecs + Mediabunny, writer.ts), an animated GIF (gifWriter.ts) or a zip of PNGs (zipWriter.ts).
 * The GIF and the zip are encoded on the CPU as the frames come: they need no WebCodecs.
 */
import type { Compositor } from './compositor';
import { GifWriter } from './gifWriter';
import type { ExportFormat, RecordResult } from './types';
import { VideoWriter } from './writer';
import { PngZipWriter } from './zipWriter';

export interface FrameSink {
  readonly mode: RecordResult['mode'];
  /** The encoder's codec string ('gif', 'png' for the CPU formats). */
  readonly codec: string;
  /** Takes the compositor's canvas as the next frame. */
  add(): Promise<void>;
  finalize(): Promise<Blob>;
  /** Drops what was written (safe after a failure). */
  cancel(): Promise<void>;
}

export interface SinkOptions {
  format: ExportFormat;
  width: number;
  height: number;
  fps: number;
  /** Frames the export will have (the zip pads its names to it). */
  frames: number;
  bitrate?: number;
  transparent?: boolean;
}

/** The compositor an export draws into: alpha for transparent exports, CPU-side for GIF. */
export function compositorOptions(o: { format: ExportFormat; transparent?: boolean }): {
  alpha: boolean;
  readback: boolean;
} {
  return { alpha: o.transparent === true, readback: o.format === 'gif' };
}

export async function createSink(comp: Compositor, o: SinkOptions): Promise<FrameSink> {
  if (o.format === 'gif') return gifSink(comp, new GifWriter(o.width, o.height, o.fps));
  if (o.format === 'png-zip') return pngZipSink(comp, new PngZipWriter(o.frames));
  return VideoWriter.create(comp.canvas, { ...o, format: o.format });
}

function gifSink(comp: Compositor, gif: GifWriter): FrameSink {
  return {
    mode: 'gifenc',
    codec: 'gif',
    add: async () => gif.add(comp.pixels()),
    finalize: async () => gif.finish(),
    cancel: async () => undefined,
  };
}

function pngZipSink(comp: Compositor, zip: PngZipWriter): FrameSink {
  return {
    mode: 'png-zip',
    codec: 'png',
    add: async () => zip.add(new Uint8Array(await (await comp.png()).arrayBuffer())),
    finalize: async () => zip.finish(),
    cancel: async () => undefined,
  };
}
