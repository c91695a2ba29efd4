/**
 * Checks the export options that choose the format and the look (format, transparent, lineWidth, theme),
 * with a message naming what is wrong and what is allowed, and turns them into the FrameLook the renderer
 * draws with. The look applies to the export's frames only: the view on screen is never changed.
 */
import { LINE_WIDTH_RANGE, THEMES } from '../playground/viewState';
import { GIF_MAX_FPS } from './gifWriter';
import { EXPORT_FORMATS, type ExportFormat, type FrameLook } from './types';

export interface LookOptions {
  transparent?: boolean;
  lineWidth?: number;
  theme?: 'dark' | 'light';
}

const quoted = (xs: readonly string[]) => xs.map((x) => `"${x}"`).join(', ');

/** The export's format (default 'webm'); throws on a bad format or a look the format cannot carry. */
export function checkFormat(o: LookOptions & { format?: unknown; fps?: number }): ExportFormat {
  const format = o.format ?? 'webm';
  if (typeof format !== 'string' || !(EXPORT_FORMATS as readonly string[]).includes(format))
    throw new RangeError(`format must be one of ${quoted(EXPORT_FORMATS)} (got ${JSON.stringify(format)})`);
  const f = format as ExportFormat;
  if (o.transparent === true && f === 'mp4')
    throw new RangeError(
      'transparent is not possible with format "mp4": H.264 has no alpha channel; use "webm" (VP9 with alpha) or "png-zip"',
    );
  if (o.transparent === true && f === 'gif')
    throw new RangeError(
      'transparent is not offered for format "gif": GIF has only on/off transparency, which frays antialiased paths; use "webm" (VP9 with alpha) or "png-zip"',
    );
  if (f === 'gif' && o.fps !== undefined && o.fps > GIF_MAX_FPS)
    throw new RangeError(
      `format "gif" takes at most ${GIF_MAX_FPS} fps (GIF delays are hundredths of a second; browsers slow down shorter ones), got ${o.fps}`,
    );
  return f;
}

/** Checks transparent, lineWidth and theme, and returns the look for the renderer. */
export function frameLook(o: LookOptions): FrameLook {
  if (o.transparent !== undefined && typeof o.transparent !== 'boolean')
    throw new TypeError(`transparent must be true or false (got ${JSON.stringify(o.transparent)})`);
  const { min, max } = LINE_WIDTH_RANGE;
  const w = o.lineWidth;
  if (w !== undefined && !(typeof w === 'number' && Number.isFinite(w) && w >= min && w <= max))
    throw new RangeError(
      `lineWidth must be a number of CSS pixels in [${min}, ${max}] (got ${JSON.stringify(w)})`,
    );
  if (o.theme !== undefined && !(THEMES as readonly string[]).includes(o.theme))
    throw new RangeError(`theme must be one of ${quoted(THEMES)} (got ${JSON.stringify(o.theme)})`);
  const view: NonNullable<FrameLook['view']> = {};
  if (w !== undefined) view.lineWidth = w;
  if (o.theme !== undefined) view.theme = o.theme;
  return { transparent: o.transparent === true, view };
}
