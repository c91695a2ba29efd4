/** The one DOM helper the panels share: an element of a class (and text), appended to its parent. */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  cls: string,
  parent: HTMLElement,
  text = '',
): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  e.className = cls;
  if (text) e.textContent = text;
  parent.append(e);
  return e;
}

/** Input types that take no typed text: keyboard shortcuts still apply while one has the focus. */
const NOT_TEXT = new Set(['checkbox', 'radio', 'button', 'submit', 'reset', 'color', 'file', 'image']);

/**
 * True for targets that take typed keys, where keyboard shortcuts must leave the keys alone: text inputs
 * (and number, range…), selects, text areas and editable content. Buttons and checkboxes are not.
 */
export function isTextField(target: EventTarget | null): boolean {
  if (typeof HTMLElement === 'undefined' || !(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  const tag = target.tagName;
  if (tag === 'INPUT') return !NOT_TEXT.has((target as HTMLInputElement).type);
  return tag === 'TEXTAREA' || tag === 'SELECT';
}
