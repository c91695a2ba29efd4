/**
 * Frame-exact video writing: each add() captures the compositing canvas as one frame at timestamp i / fps,
 * encodes it with WebCodecs' VideoEncoder (through Mediabunny's CanvasSource) and muxes it into WebM or
 * MP4 in memory. Awaiting add() respects the encoder's back-pressure.
 */
import {
  BufferTarget,
  CanvasSource,
  Mp4OutputFormat,
  Output,
  QUALITY_HIGH,
  WebMOutputFormat,
} from 'mediabunny';
import { pickCodec } from './codecs';
import type { VideoFormat } from './types';

export interface WriterOptions {
  format: VideoFormat;
  width: number;
  height: number;
  fps: number;
  bitrate?: number;
  /** Keep the canvas's alpha (VP9/VP8 in WebM only): Mediabunny encodes it as a second stream. */
  transparent?: boolean;
}

export class VideoWriter {
  readonly mode = 'webcodecs' as const;
  private frames = 0;
  /** The encoder's codec string, known once the first frame is encoded. */
  codecString = '';

  private constructor(
    private readonly output: Output,
    private readonly target: BufferTarget,
    private readonly source: CanvasSource,
    private readonly fps: number,
    readonly mimeType: string,
  ) {}

  static async create(canvas: HTMLCanvasElement | OffscreenCanvas, o: WriterOptions): Promise<VideoWriter> {
    if (o.transparent && o.format !== 'webm')
      throw new RangeError(`a transparent video needs WebM (VP9 with alpha), not ${o.format.toUpperCase()}`);
    if (o.transparent) checkAlphaFrames(canvas);
    const codec = await pickCodec(o.format, o.width, o.height, o.fps);
    const target = new BufferTarget();
    const format =
      o.format === 'mp4' ? new Mp4OutputFormat({ fastStart: 'in-memory' }) : new WebMOutputFormat();
    const output = new Output({ format, target });
    let writer: VideoWriter | null = null;
    const source = new CanvasSource(canvas, {
      codec,
      bitrate: o.bitrate ?? QUALITY_HIGH,
      // Every frame is exact: the encoder may take its time, and must not drop any.
      latencyMode: 'quality',
      alpha: o.transparent ? 'keep' : 'discard',
      onEncoderConfig: (config) => {
        if (writer) writer.codecString = config.codec;
      },
    });
    output.addVideoTrack(source, { frameRate: o.fps, canBeTransparent: o.transparent === true });
    writer = new VideoWriter(output, target, source, o.fps, format.mimeType);
    await output.start();
    return writer;
  }

  get codec(): string {
    return this.codecString;
  }

  /** Captures the canvas now as the next frame. */
  async add(): Promise<void> {
    const i = this.frames++;
    await this.source.add(i / this.fps, 1 / this.fps);
  }

  async finalize(): Promise<Blob> {
    await this.output.finalize();
    const buffer = this.target.buffer;
    if (!buffer) throw new Error('the muxer produced no data');
    return new Blob([buffer], { type: this.mimeType });
  }

  /** Stops encoding and drops what was written (safe to call after a failure). */
  async cancel(): Promise<void> {
    if (this.output.state === 'finalized' || this.output.state === 'canceled') return;
    await this.output.cancel();
  }
}

/**
 * Mediabunny encodes alpha only from frames whose pixel format has it (RGBA, BGRA, I420A); from others it
 * writes an opaque video without a word. Say so instead.
 */
function checkAlphaFrames(canvas: HTMLCanvasElement | OffscreenCanvas): void {
  const frame = new VideoFrame(canvas, { timestamp: 0, alpha: 'keep' });
  const format = frame.format;
  frame.close();
  if (format && !format.includes('A'))
    throw new Error(
      `a transparent WebM needs video frames with alpha, but this browser captures the canvas as ${format} (no alpha channel); export png-zip instead`,
    );
}
