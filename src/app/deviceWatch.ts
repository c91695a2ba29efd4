/**
 * Device loss and uncaptured GPU errors: a loss is handed to `onLost` (main.ts rebuilds the app on a new
 * device) or, with no handler, reported in a banner that asks for a reload. A loss caused by dispose()
 * (the app is being replaced) is not reported.
 */
import type { Banners } from '../ui/banner';

export interface DeviceWatch {
  /** Called when the device is lost; main.ts recovers. */
  onLost: ((reason: string) => void) | null;
  /** Set by dispose(): a later loss is expected and ignored. */
  disposed: boolean;
  /** Set as soon as the loss is known (or the device is destroyed on purpose), before anything else runs. */
  lost: boolean;
}

export function watchDevice(device: GPUDevice, banners: Banners, stop: () => void): DeviceWatch {
  const watch: DeviceWatch = { onLost: null, disposed: false, lost: false };
  device.lost.then((info) => {
    watch.lost = true;
    if (watch.disposed) return;
    try {
      stop();
    } catch (e) {
      // The loss must still reach onLost, which recovers (and makes an export under way reject).
      console.warn('[gpu] stopping after the device loss:', e);
    }
    const reason = `${info.reason}${info.message ? `: ${info.message}` : ''}`;
    if (watch.onLost) watch.onLost(reason);
    else banners.show('gpu', 'error', ['The GPU device was lost; reload the page.', reason]);
  });
  device.addEventListener('uncapturederror', (ev) => {
    const message = (ev as GPUUncapturedErrorEvent).error.message;
    console.error(`[gpu] uncaptured error: ${message}`);
    banners.show('gpu-error', 'error', ['GPU error', message]);
  });
  return watch;
}
