/**
 * The playground controller (src/playground/controller.ts) driven through a fake backend: the numbers the
 * tests expect come from what they asked for (steps per frame × frames, the chunk arithmetic of lab.step,
 * the fields they broke), not from the controller. Sabotaged variants show each check can fail.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ExperimentConfig } from '../../src/core/config/types';
import type { ControllerCamera, PlaygroundBackend, UrlStore } from '../../src/playground/backend';
import type { Banners } from '../../src/playground/configBanners';
import { PlaygroundController } from '../../src/playground/controller';
import { PLAYGROUND_DEFAULTS } from '../../src/playground/playConfig';
import type { RunStats } from '../../src/playground/stats';
import { encodeHash, encodeJsonHash } from '../../src/playground/urlState';
import type { ViewState } from '../../src/playground/viewState';

class FakeCamera implements ControllerCamera {
  revision = 0;
  center: [number, number] = [0, 0];
  halfHeight = 1;
  planeView() {
    return { center: [...this.center] as [number, number], halfHeight: this.halfHeight };
  }
  setPlaneView(center: [number, number], halfHeight: number) {
    this.center = [...center];
    this.halfHeight = halfHeight;
    this.revision++;
  }
  fit(extent: number) {
    this.setPlaneView([0, 0], extent);
  }
}

/** A run that only counts: step advances by exactly what it is asked for. */
class FakeBackend implements PlaygroundBackend {
  readonly camera = new FakeCamera();
  readonly stepChunk = 1000;
  readonly queueFrames = false;
  config: ExperimentConfig | null = null;
  step = 0;
  builds = 0;
  advances: number[] = [];
  /** Builds of this precision fail (as a df64 engine does on a GPU without df64). */
  failPrecision: string | null = null;

  async build(config: ExperimentConfig): Promise<void> {
    if (config.precision === this.failPrecision) throw new Error(`no ${config.precision} engine here`);
    this.builds++;
    this.config = config;
    this.step = 0;
  }
  progress() {
    return this.config ? { step: this.step, end: this.config.steps } : null;
  }
  startPoints() {
    return [0.5, -2];
  }
  async advance(n: number) {
    this.advances.push(n);
    this.step += n;
  }
  async reset() {
    this.step = 0;
  }
  async stats() {
    return { step: this.step } as RunStats;
  }
  async screenshot() {
    return new Blob();
  }
  async frame(steps: number) {
    this.step += steps;
    return {};
  }
}

class FakeBanners implements Banners {
  shown = new Map<string, string>();
  show(topic: string, _level: string, lines: string[]) {
    this.shown.set(topic, lines.join('\n'));
  }
  clear(topic: string) {
    this.shown.delete(topic);
  }
}

class FakeUrl implements UrlStore {
  constructor(public hash = '') {}
  read() {
    return this.hash;
  }
  write(hash: string) {
    this.hash = hash;
  }
  watch() {
    return () => undefined;
  }
}

/** Lets every pending promise callback run. */
const settle = () => new Promise((r) => setImmediate(r));

function setup(hash = '', url: UrlStore = new FakeUrl(hash)) {
  const backend = new FakeBackend();
  const banners = new FakeBanners();
  let pending: (() => void) | null = null;
  const controller = new PlaygroundController(backend, banners, url, (tick) => {
    pending = tick;
  });
  /** Runs `n` animation frames, each waiting for the previous frame's work. */
  const frames = async (n: number) => {
    for (let i = 0; i < n; i++) {
      const tick = pending;
      pending = null;
      tick?.();
      await settle();
    }
  };
  return { backend, banners, controller, frames, url };
}

function config(patch: Partial<ExperimentConfig> = {}): ExperimentConfig {
  return { ...structuredClone(PLAYGROUND_DEFAULTS), ...patch };
}

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('playground controller', () => {
  it('plays stepsPerFrame steps per frame, stops at pause and at the run’s end', async () => {
    const { backend, controller, frames } = setup(encodeHash(config({ steps: 95 })));
    await controller.startFromUrl(); // starts playing
    controller.stepsPerFrame = 7;
    await frames(4);
    expect(backend.step).toBe(4 * 7);
    controller.pause();
    await frames(5);
    expect(backend.step).toBe(4 * 7);
    controller.play();
    await frames(100); // 95 steps: 13 frames of 7, one of 4, then it pauses by itself
    expect(backend.step).toBe(95);
    expect(controller.playing).toBe(false);
  });

  it('a paused loop that ignores pause is caught (sabotage)', async () => {
    const { backend, controller, frames } = setup();
    await controller.startFromUrl();
    controller.loop.pause = () => undefined; // the fault: pause does nothing
    controller.pause();
    await frames(3);
    expect(backend.step).toBe(3 * controller.stepsPerFrame); // steps went on: the check above would fail
  });

  it('lab.step(n) advances exactly n steps in chunks of stepChunk, and rejects bad n', async () => {
    const { backend, controller } = setup();
    await controller.startFromUrl();
    controller.pause();
    const before = backend.step;
    await controller.step(2500);
    expect(backend.step - before).toBe(2500);
    expect(backend.advances).toEqual([1000, 1000, 500]);
    await expect(controller.step(-1)).rejects.toThrow(RangeError);
    await expect(controller.step(1.5)).rejects.toThrow(/whole number/);
    expect(backend.step - before).toBe(2500);
  });

  it('a bad GUI value keeps the running config and says which field, in the config banner', async () => {
    const { backend, banners, controller } = setup(encodeHash(config({ steps: 1234 })));
    await controller.startFromUrl();
    controller.pause();
    await controller.step(10);
    const bad = { ...controller.config, optimizer: { ...controller.config.optimizer, momentum: 2 } };
    expect(await controller.applyFromGui(bad)).toBe(false);
    const banner = banners.shown.get('config') ?? '';
    expect(banner).toContain('optimizer.momentum');
    expect(banner).toContain('previous configuration is still running');
    expect(backend.builds).toBe(1);
    expect(controller.config.steps).toBe(1234);
    expect(backend.step).toBe(10); // the run was not restarted
    // A good change clears the banner and restarts at step 0.
    expect(await controller.applyFromGui({ ...controller.config, steps: 500 })).toBe(true);
    expect(banners.shown.has('config')).toBe(false);
    expect([controller.config.steps, backend.step]).toEqual([500, 0]);
  });

  it('a config whose run fails to build rejects and leaves the previous one running', async () => {
    const { backend, controller } = setup();
    await controller.startFromUrl();
    backend.failPrecision = 'df64';
    const before = controller.config;
    await expect(controller.setConfig({ ...before, precision: 'df64' })).rejects.toThrow(/no df64 engine/);
    expect(controller.config).toEqual(before);
    expect(backend.config).toEqual(before);
  });

  it('a URL with bad fields starts with each defaulted and named in the url banner; good ones are kept', async () => {
    // The old JSON form (`#c=…`): its fields are named by their config paths. Readable keys: flatHash.test.ts.
    const hash = encodeJsonHash({ ...config(), optimizer: { ...config().optimizer, lr: -1 }, steps: 777 });
    const { banners, controller } = setup(hash);
    await controller.startFromUrl();
    expect(banners.shown.get('url')).toContain('optimizer.lr');
    expect(controller.config.optimizer.lr).toBe(PLAYGROUND_DEFAULTS.optimizer.lr);
    expect(controller.config.steps).toBe(777);
  });

  it('config and view round-trip through the URL (the camera written after a pan)', async () => {
    const a = setup(encodeHash(config({ steps: 4321, init: { ring: { count: 64, radius: 2 } } })));
    await a.controller.startFromUrl();
    a.controller.setView({ colorBy: 'basin', camera: { center: [0.25, -0.5], halfHeight: 1.5 } });
    vi.advanceTimersByTime(1000);
    const b = setup(a.url.read());
    await b.controller.startFromUrl();
    expect(b.controller.config).toEqual(a.controller.config);
    expect(b.controller.view).toEqual(a.controller.view);
    expect(b.controller.view.camera).toEqual({ center: [0.25, -0.5], halfHeight: 1.5 });
    expect(b.controller.view.colorBy).toBe('basin');
  });

  it('a URL store that drops the view is caught by the round trip (sabotage)', async () => {
    const lossy = new FakeUrl(encodeHash(config()));
    // Drops the view's keys (readable links: view=, color=, camera=, …), keeps the config's.
    const viewKeys =
      /^#?(view|quiver|color|runs|heatmap|compare|camera|lineWidth|heads|trails|density|theme)=/;
    lossy.write = (hash) => {
      lossy.hash = `#${hash
        .split('&')
        .filter((p) => !viewKeys.test(p))
        .join('&')
        .replace(/^#/, '')}`;
    };
    const a = setup('', lossy);
    await a.controller.startFromUrl();
    a.controller.setView({ colorBy: 'basin' });
    vi.advanceTimersByTime(1000);
    const b = setup(lossy.read());
    await b.controller.startFromUrl();
    expect(b.controller.view.colorBy).not.toBe(a.controller.view.colorBy);
  });

  it('a click adds a start point to the config and keeps the camera', async () => {
    const { backend, controller } = setup(encodeHash(config({ init: { points: [[1, 1]] } })));
    await controller.startFromUrl();
    backend.camera.setPlaneView([3, 4], 0.5);
    expect(await controller.addPointAt(0.25, -0.75)).toBe(true);
    expect(controller.config.init).toEqual({
      points: [
        [1, 1],
        [0.25, -0.75],
      ],
    });
    expect(backend.camera.planeView()).toEqual({ center: [3, 4], halfHeight: 0.5 });
  });

  it('operations run in call order: a step after setConfig steps the new run', async () => {
    const { backend, controller } = setup();
    await controller.startFromUrl();
    controller.pause();
    const built = controller.setConfig({ ...controller.config, steps: 999 });
    const stepped = controller.step(30);
    await Promise.all([built, stepped]);
    expect([backend.config?.steps, backend.step]).toEqual([999, 30]);
  });

  it('a snapshot restores config, view, step and play state', async () => {
    const a = setup();
    await a.controller.startFromUrl();
    a.controller.pause();
    a.controller.setView({ quiver: 'log' satisfies ViewState['quiver'] });
    await a.controller.step(123);
    const snap = a.controller.snapshot()!;
    const b = setup();
    await b.controller.startFrom(snap);
    expect(b.controller.snapshot()).toEqual(snap);
    expect(b.backend.step).toBe(123);
  });
});
