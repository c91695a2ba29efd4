/**
 * Which video codec an export uses. WebM takes VP9 (VP8 where VP9 cannot be encoded); MP4 takes H.264.
 * Where H.264 cannot be encoded, MP4 export fails with a message saying so (choose WebM), rather than
 * writing an MP4 many players would not open. Support is what this browser's VideoEncoder says
 * (isConfigSupported), at the export's size and frame rate.
 */
import { canEncodeVideo, type VideoCodec } from 'mediabunny';
import type { VideoFormat } from './types';

export const FORMAT_CODECS: Record<VideoFormat, readonly VideoCodec[]> = {
  webm: ['vp9', 'vp8'],
  mp4: ['avc'],
};

const CODEC_NAMES: Record<string, string> = { vp9: 'VP9', vp8: 'VP8', avc: 'H.264', av1: 'AV1' };

export function hasWebCodecs(): boolean {
  return typeof VideoEncoder !== 'undefined' && typeof VideoFrame !== 'undefined';
}

/** The first codec of `format` this browser can encode at this size and rate; throws saying why not. */
export async function pickCodec(
  format: VideoFormat,
  width: number,
  height: number,
  fps: number,
): Promise<VideoCodec> {
  const tried = FORMAT_CODECS[format];
  for (const codec of tried) {
    if (await canEncodeVideo(codec, { width, height, frameRate: fps })) return codec;
  }
  const names = tried.map((c) => CODEC_NAMES[c] ?? c).join(' or ');
  const hint = format === 'mp4' ? '; export WebM (VP9) instead' : '';
  throw new Error(
    `this browser cannot encode ${names} at ${width}×${height} ${fps} fps (VideoEncoder.isConfigSupported said no)${hint}`,
  );
}

/** Explicit codec strings probed by codecSupport (levels high enough for 4K). */
const PROBES: Record<string, string> = {
  vp9: 'vp09.00.51.08',
  vp8: 'vp8',
  avc: 'avc1.640033',
  av1: 'av01.0.12M.08',
};

/** What VideoEncoder.isConfigSupported says for each codec at width × height (all false without WebCodecs). */
export async function codecSupport(width = 1920, height = 1080): Promise<Record<string, boolean>> {
  const out: Record<string, boolean> = {};
  for (const [name, codec] of Object.entries(PROBES)) {
    if (!hasWebCodecs()) {
      out[name] = false;
      continue;
    }
    try {
      const r = await VideoEncoder.isConfigSupported({ codec, width, height, bitrate: 8e6, framerate: 30 });
      out[name] = r.supported === true;
    } catch {
      out[name] = false;
    }
  }
  return out;
}
