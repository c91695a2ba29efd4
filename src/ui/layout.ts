/**
 * Embed mode, for an iframe in a blog post or a slide deck: `?embed` in the query (or `embed=1`, or a bare
 * `embed`, among the hash's keys: src/playground/urlState.ts reads it and keeps it in the hashes it writes)
 * hides the GUI, the intro, the overlay, the drift panel, the Precision tab, the tour and the legend, and
 * keeps the canvas with its pan and zoom. `?embed=legend` (or `?embed&legend`) keeps the legend: a query
 * option, so that the hash keeps only the keys the hash parser knows. Banners still show, so a bad link
 * says what is wrong. The docked layout itself is CSS: src/ui/layout.css.
 */

export interface EmbedMode {
  embed: boolean;
  /** Keep the legend in embed mode. */
  legend: boolean;
}

const ON = new Set(['', '1', 'true']);
const OFF = new Set(['0', 'false']);

/** Whether `params` turns embed mode on or off: null when it does not say (or says nothing valid). */
function embedIn(params: URLSearchParams, extra: readonly string[] = []): boolean | null {
  const value = params.get('embed');
  if (value === null) return null;
  const v = value.trim().toLowerCase();
  if (OFF.has(v)) return false;
  return ON.has(v) || extra.includes(v) ? true : null;
}

/** Embed mode from a URL's query and hash (the hash wins where both say); the legend from the query. */
export function embedModeOf(search: string, hash: string): EmbedMode {
  const query = new URLSearchParams(search.replace(/^\?/, ''));
  const embed = embedIn(new URLSearchParams(hash.replace(/^#/, ''))) ?? embedIn(query, ['legend']) ?? false;
  const legendValue = query.get('legend')?.trim();
  const legend = query.get('embed')?.trim() === 'legend' || legendValue === '' || legendValue === '1';
  return { embed, legend: embed && legend };
}

/** Sets the body's classes for `mode` (body.embed, body.embed-legend). */
export function applyEmbedMode(mode: EmbedMode, body: HTMLElement = document.body): void {
  body.classList.toggle('embed', mode.embed);
  body.classList.toggle('embed-legend', mode.embed && mode.legend);
}

/**
 * Applies the page URL's embed mode now, and again when the user edits the hash to say embed=…
 * (the page rewrites its hash as state changes, so a hash without the key leaves the mode as it is).
 * Returns the function that stops listening.
 */
export function installEmbedMode(): () => void {
  applyEmbedMode(embedModeOf(location.search, location.hash));
  const onHash = () => {
    if (embedIn(new URLSearchParams(location.hash.replace(/^#/, ''))) !== null)
      applyEmbedMode(embedModeOf(location.search, location.hash));
  };
  window.addEventListener('hashchange', onHash);
  return () => window.removeEventListener('hashchange', onHash);
}
