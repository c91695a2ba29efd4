/**
 * Messages across the top of the page, one per topic ("config", "url", "gpu", …): showing a topic again
 * replaces its message. Errors stay until dismissed or replaced; the page never goes blank behind them.
 */

export type BannerLevel = 'error' | 'warning' | 'info';

export class Banners {
  private readonly items = new Map<string, HTMLElement>();

  constructor(private readonly root: HTMLElement) {}

  /** Shows `lines` (first line is the headline) for `topic`, replacing any earlier message. */
  show(topic: string, level: BannerLevel, lines: string[]): void {
    this.clear(topic);
    const el = document.createElement('div');
    el.className = `banner banner-${level}`;
    el.dataset.topic = topic;
    el.setAttribute('role', level === 'error' ? 'alert' : 'status');
    const close = document.createElement('button');
    close.className = 'banner-close';
    close.type = 'button';
    close.title = 'Dismiss';
    close.textContent = '×';
    close.addEventListener('click', () => this.clear(topic));
    el.append(close);
    lines.forEach((line, i) => {
      const p = document.createElement(i === 0 ? 'strong' : 'div');
      p.textContent = line;
      el.append(p);
    });
    this.root.append(el);
    this.items.set(topic, el);
  }

  clear(topic: string): void {
    this.items.get(topic)?.remove();
    this.items.delete(topic);
  }

  /** Text of the message for `topic` (for tests and the scripting API); empty when none. */
  text(topic: string): string {
    return this.items.get(topic)?.textContent ?? '';
  }
}

/** What to tell someone whose browser gave no WebGPU, and how to get it. */
export function noWebGpuLines(reason: string): string[] {
  return [
    'WebGPU is not available in this browser.',
    `What is missing: ${reason}`,
    'To get WebGPU: use Chrome or Edge 113 or newer; or enable chrome://flags/#enable-unsafe-webgpu; ' +
      'on Linux start Chrome with --enable-unsafe-webgpu --enable-features=Vulkan.',
  ];
}
