/**
 * The model section's NumPy and PyTorch rows (issue 16): which peers run and how each becomes a row. Kept out
 * of modelPeers.ts, which holds the peers' input/output protocol and no row or table logic.
 */
import { CHECK_SEEDS, F32_AGREEMENT, F64_AGREEMENT, type ModelBenchOptions } from './modelJob';
import {
  compareSnapshots,
  findPython,
  MODEL_NUMPY_PEER,
  MODEL_TORCH_PEER,
  type ModelPeerResult,
  type ModelSnapshot,
  type PeerRun,
  runModelPeer,
} from './modelPeers';
import { type ModelRow, skippedRow } from './modelTable';

interface PeerSpec {
  implementation: string;
  module: 'numpy' | 'torch';
  script: string;
  run: PeerRun;
  tolerance: number;
}

/**
 * The peer rows: NumPy f64; PyTorch f64 and f32 with the explicit gradient and f64 with autograd, on
 * torch.set_num_threads(every core) as asked; and PyTorch f64 on one thread, because on a 2-core machine
 * shared with other work the intra-op threads wait on each other (OpenMP barriers) and run several times
 * slower than one thread does — the pair shows how much (compare with the load average in the header).
 */
export function peerSpecs(o: ModelBenchOptions): PeerSpec[] {
  const torch = (dtype: 'float64' | 'float32', grad: 'formula' | 'autograd', threads: number): PeerSpec => ({
    implementation:
      `PyTorch CPU ${dtype === 'float64' ? 'f64' : 'f32'} (bmm, ${grad === 'formula' ? 'explicit gradient' : 'autograd'}` +
      `${threads === 1 && o.threads !== 1 ? ', 1 thread' : ''})`,
    module: 'torch',
    script: MODEL_TORCH_PEER,
    run: { seeds: o.peerSeeds, steps: o.steps, dtype, grad, threads },
    tolerance: dtype === 'float64' ? F64_AGREEMENT : F32_AGREEMENT,
  });
  const specs: PeerSpec[] = [
    {
      implementation: 'NumPy f64 (batched over seeds)',
      module: 'numpy',
      script: MODEL_NUMPY_PEER,
      run: { seeds: o.peerSeeds, steps: o.steps },
      tolerance: F64_AGREEMENT,
    },
    torch('float64', 'formula', o.threads),
  ];
  if (o.threads !== 1) specs.push(torch('float64', 'formula', 1));
  specs.push(torch('float32', 'formula', o.threads), torch('float64', 'autograd', o.threads));
  return specs;
}

export function peerRow(spec: PeerSpec, input: string, ref: ModelSnapshot, P: number): ModelRow {
  const python = findPython(spec.module);
  if (!python) {
    return skippedRow(
      spec.implementation,
      `no python with ${spec.module} (Debian: apt-get install python3-${spec.module})`,
    );
  }
  let r: ModelPeerResult;
  try {
    r = runModelPeer(python, spec.script, input, spec.run);
  } catch (e) {
    console.error(`bench: ${spec.implementation}: ${(e as Error).message}`);
    // The interpreter and its module are there: a failing peer is a failed check, not a missing row.
    return {
      ...skippedRow(spec.implementation, ''),
      binding: true,
      notes: `FAILED: ${(e as Error).message.slice(0, 200)}`,
    };
  }
  const check = compareSnapshots(r, ref, P, CHECK_SEEDS, spec.tolerance);
  const threads = spec.module === 'torch' ? `torch.set_num_threads(${r.threads})` : 'elementwise 1 thread';
  return {
    implementation: spec.implementation,
    rate: r.seedSteps / r.seconds,
    seeds: r.seeds,
    steps: r.steps,
    seconds: r.seconds,
    check,
    checkedAgainst: 'TS f64',
    binding: spec.tolerance <= F64_AGREEMENT,
    notes:
      `${r.version}, ${python}, ${threads}; ${check.summary}; ` +
      `final Σwd ${r.checksum.toPrecision(8)} (implementation-specific past the split), ${r.diverged}/${r.seeds} past tol`,
  };
}
