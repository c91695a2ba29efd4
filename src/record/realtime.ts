/**
 * The fallback where WebCodecs is missing: MediaRecorder captures the compositing canvas in real time.
 * Frames are requested one by one at their wall-clock times (i / fps after the start); when drawing is
 * slower than real time the video's timing follows the wall clock, so frames last longer than 1 / fps
 * and the frame count and durations are not exact. The caller says so in the UI.
 */
import { abortError, type VideoFormat } from './types';

const MIME_TYPES: Record<VideoFormat, string[]> = {
  webm: ['video/webm;codecs=vp9', 'video/webm;codecs=vp8', 'video/webm'],
  mp4: ['video/mp4;codecs=avc1', 'video/mp4'],
};

export function hasMediaRecorder(): boolean {
  return (
    typeof MediaRecorder !== 'undefined' && typeof HTMLCanvasElement.prototype.captureStream === 'function'
  );
}

export function realtimeMimeType(format: VideoFormat): string | null {
  if (!hasMediaRecorder()) return null;
  return MIME_TYPES[format].find((m) => MediaRecorder.isTypeSupported(m)) ?? null;
}

export interface RealtimeOptions {
  format: VideoFormat;
  fps: number;
  frames: number;
  bitrate?: number;
  signal: AbortSignal;
  /** Draws frame i onto the canvas. */
  drawFrame(i: number): Promise<void>;
  /** Called after frame i is handed to the recorder. */
  onFrame(i: number): void;
}

export async function recordRealtime(
  canvas: HTMLCanvasElement,
  o: RealtimeOptions,
): Promise<{ blob: Blob; mimeType: string }> {
  const mimeType = realtimeMimeType(o.format);
  if (!mimeType)
    throw new Error(
      `this browser has neither WebCodecs nor a MediaRecorder that writes ${o.format.toUpperCase()}`,
    );
  const stream = canvas.captureStream(0);
  const track = stream.getVideoTracks()[0] as CanvasCaptureMediaStreamTrack;
  const rec = new MediaRecorder(stream, { mimeType, videoBitsPerSecond: o.bitrate ?? 8_000_000 });
  const chunks: Blob[] = [];
  rec.ondataavailable = (e) => {
    if (e.data.size > 0) chunks.push(e.data);
  };
  const stopped = new Promise<void>((resolve) => {
    rec.onstop = () => resolve();
  });
  rec.start(1000);
  const start = performance.now();
  try {
    for (let i = 0; i < o.frames; i++) {
      if (o.signal.aborted) throw abortError();
      await o.drawFrame(i);
      const due = start + (1000 * i) / o.fps;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      track.requestFrame();
      o.onFrame(i);
    }
    // The last frame lasts 1 / fps.
    await new Promise((r) => setTimeout(r, 1000 / o.fps));
  } finally {
    rec.stop();
    await stopped;
    for (const t of stream.getTracks()) t.stop();
  }
  return { blob: new Blob(chunks, { type: mimeType }), mimeType };
}
