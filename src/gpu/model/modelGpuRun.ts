/** Placeholder until the model kernel lands (issue 16): refuses with a message. */

import type { ModelRunOutput } from '../../core/model/modelOutput';
import type { ModelConfig } from '../../core/model/types';

export async function runModelGpu(config: ModelConfig): Promise<ModelRunOutput> {
  throw new Error(`models do not run on the gpu backend yet (${config.precision}); use --backend cpu`);
}
