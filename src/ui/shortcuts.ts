/**
 * Keyboard shortcuts: space play/pause, R record (again: cancel), S screenshot, → one frame of steps,
 * ← reset to step 0, F full screen, P presentation mode, ? this list. They work whatever has the focus
 * (listened for on window in the capture phase), except keys typed into a text field (input, textarea,
 * select, editable content); ←/→ are left to the tour while it is open (it moves between figures then).
 */
import { isTextField } from './dom';

export interface ShortcutActions {
  togglePlay(): void;
  record(): void;
  screenshot(): void;
  stepForward(): void;
  reset(): void;
  togglePresentation(): void;
  /** True while the tour is open (it owns ←/→ then). */
  tourOpen(): boolean;
}

const LIST: [string, string][] = [
  ['Space', 'play / pause'],
  ['R', 'record a video (again: cancel)'],
  ['S', 'PNG screenshot'],
  ['→', 'step one frame'],
  ['←', 'reset to step 0'],
  ['F', 'full screen'],
  ['P', 'presentation mode'],
  ['?', 'show / hide this list'],
];

export class Shortcuts {
  private readonly help: HTMLElement;

  constructor(private readonly actions: ShortcutActions) {
    this.help = document.createElement('div');
    this.help.className = 'shortcut-help';
    this.help.hidden = true;
    this.help.setAttribute('role', 'dialog');
    this.help.setAttribute('aria-label', 'Keyboard shortcuts');
    Object.assign(this.help.style, {
      position: 'absolute',
      left: '50%',
      top: '50%',
      transform: 'translate(-50%, -50%)',
      padding: '12px 18px',
      background: '#0d0d14e8',
      borderRadius: '8px',
      zIndex: '30',
      font: '14px/1.7 system-ui, sans-serif',
    });
    const table = document.createElement('table');
    for (const [key, what] of LIST) {
      const row = table.insertRow();
      const k = document.createElement('kbd');
      k.textContent = key;
      row.insertCell().append(k);
      row.insertCell().textContent = what;
    }
    this.help.append(table);
    document.body.append(this.help);
    // Capture phase: the GUI (lil-gui) stops keydown from bubbling out of it, so a listener in the bubble
    // phase misses every key pressed while one of its buttons has the focus.
    window.addEventListener('keydown', this.onKey, true);
  }

  get helpOpen(): boolean {
    return !this.help.hidden;
  }

  toggleHelp(show = this.help.hidden): void {
    this.help.hidden = !show;
  }

  destroy(): void {
    window.removeEventListener('keydown', this.onKey, true);
    this.help.remove();
  }

  private readonly onKey = (e: KeyboardEvent): void => {
    if (e.defaultPrevented || e.altKey || e.ctrlKey || e.metaKey || isTextField(e.target)) return;
    const a = this.actions;
    const key = e.key.length === 1 ? e.key.toLowerCase() : e.key;
    if ((key === 'ArrowLeft' || key === 'ArrowRight') && a.tourOpen()) return;
    switch (key) {
      case ' ':
        a.togglePlay();
        break;
      case 'r':
        a.record();
        break;
      case 's':
        a.screenshot();
        break;
      case 'ArrowRight':
        a.stepForward();
        break;
      case 'ArrowLeft':
        a.reset();
        break;
      case 'f':
        toggleFullscreen();
        break;
      case 'p':
        a.togglePresentation();
        break;
      case '?':
        this.toggleHelp();
        break;
      case 'Escape':
        if (!this.helpOpen) return;
        this.toggleHelp(false);
        break;
      default:
        return;
    }
    e.preventDefault();
  };
}

function toggleFullscreen(): void {
  if (document.fullscreenElement) void document.exitFullscreen();
  else void document.documentElement.requestFullscreen().catch(() => undefined);
}
