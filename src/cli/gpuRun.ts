/** The GPU backend of `scaleinv-lab run` (arrives with the WGSL engine). */
import type { ExperimentConfig } from '../core/config/types';
import type { RunOutput } from '../core/run/output';
import { UsageError } from './usage';

export async function runGpu(_config: ExperimentConfig): Promise<RunOutput> {
  throw new UsageError(
    '--backend gpu is not available yet (it arrives with the WGSL engine); use --backend cpu',
  );
}
