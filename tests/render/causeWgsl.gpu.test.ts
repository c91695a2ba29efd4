/**
 * The path shader's divergence_cause() (shaders/render_cause.wgsl) against divergenceCause() in
 * src/core/cause.ts: every combination of the six event steps over a few values around the divergence
 * step is written into a Metric buffer, the WGSL function labels each on the GPU, and each label must equal
 * the TypeScript one. A WGSL copy with a test out of order, a wrong comparison (< for <=) or a missing
 * event would disagree on some case; the sabotage test checks that the table is rich enough to notice.
 */
import { describe, expect, it } from 'vitest';
import { type CauseEvents, divergenceCause } from '../../src/core/cause';
import { compileShaderModule } from '../../src/gpu/errors';
import { METRIC_STRUCT, structLayout, structWgsl } from '../../src/gpu/layout';
import { causeOfCode, causeWgsl } from '../../src/render/cause';
import { gpuOrSkip, runKernelOnce } from '../gpu/gpuTestUtils';

const ctx = await gpuOrSkip();

const FIELDS = [
  'divergence_step',
  'overflow_step',
  'crossing_step',
  'wd_absorbed_step',
  'exp_absorbed_step',
  'underflow_step',
] as const;
// −1 (never), before, at and after a divergence at step 10, and 0 (the first step).
const VALUES = [-1, 0, 9, 10, 11];

const KERNEL = `
@group(0) @binding(0) var<storage, read> cases: array<Metric>;
@group(0) @binding(1) var<storage, read_write> codes: array<u32>;
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  if (gid.x >= arrayLength(&codes)) { return; }
  codes[gid.x] = divergence_cause(cases[gid.x]);
}
`;

/** All VALUES^6 combinations, as rows of the six fields. */
function cases(): number[][] {
  const out: number[][] = [];
  const n = VALUES.length ** FIELDS.length;
  for (let k = 0; k < n; k++) {
    let r = k;
    out.push(
      FIELDS.map(() => {
        const v = VALUES[r % VALUES.length];
        r = Math.floor(r / VALUES.length);
        return v;
      }),
    );
  }
  return out;
}

const step = (v: number) => (v < 0 ? null : v);
function events(row: number[]): CauseEvents {
  const [d, o, c, wa, ea, u] = row.map(step);
  return {
    divergenceStep: d,
    overflowStep: o,
    crossingStep: c,
    wdAbsorbedStep: wa,
    expAbsorbedStep: ea,
    underflowStep: u,
  };
}

/** Runs `fn` (the WGSL of divergence_cause and its constants) over every case; returns the codes. */
async function gpuCodes(fnWgsl: string, rows: number[][]): Promise<Uint32Array> {
  const device = ctx!.device;
  const layout = structLayout(METRIC_STRUCT, 'f32');
  const bytes = new ArrayBuffer(layout.size * rows.length);
  const view = new DataView(bytes);
  rows.forEach((row, i) => {
    for (const [j, f] of FIELDS.entries()) view.setInt32(i * layout.size + layout.offsets[f], row[j], true);
  });
  const code = `${structWgsl(METRIC_STRUCT, 'f32')}\n${fnWgsl}\n${KERNEL}`;
  const module = await compileShaderModule(device, 'cause test shader', code);
  const pipeline = await device.createComputePipelineAsync({
    label: 'cause test pipeline',
    layout: 'auto',
    compute: { module, entryPoint: 'main' },
  });
  return new Uint32Array(
    await runKernelOnce(device, 'cause test', pipeline, bytes, rows.length, 4 * rows.length),
  );
}

/** Cases where the GPU's label differs from divergenceCause(). */
function mismatches(rows: number[][], codes: Uint32Array): string[] {
  const bad: string[] = [];
  rows.forEach((row, i) => {
    const want = divergenceCause(events(row));
    const got = causeOfCode(codes[i]);
    if (got !== want) bad.push(`${FIELDS.map((f, j) => `${f}=${row[j]}`).join(' ')}: ${got} ≠ ${want}`);
  });
  return bad;
}

describe.skipIf(!ctx)('divergence_cause in WGSL', () => {
  const rows = cases();

  it(`labels all ${VALUES.length ** FIELDS.length} cases exactly as src/core/cause.ts`, async () => {
    const codes = await gpuCodes(causeWgsl(), rows);
    const seen = new Set(Array.from(codes, causeOfCode));
    console.log(`[cause wgsl] ${rows.length} cases, labels seen: ${[...seen].map(String).join(', ')}`);
    expect(mismatches(rows, codes).slice(0, 5)).toEqual([]);
    expect(seen.size).toBe(5); // every cause and null occurs: the table exercises every branch
  });

  it('a WGSL copy that tests chaos before absorption is caught (test of the test)', async () => {
    const sabotaged = causeWgsl().replace(
      'if (cause_at_or_before(m.wd_absorbed_step, d) || cause_at_or_before(m.exp_absorbed_step, d)) {',
      'if (cause_at_or_before(m.crossing_step, d)) { return CAUSE_CHAOS; }\n  if (cause_at_or_before(m.wd_absorbed_step, d) || cause_at_or_before(m.exp_absorbed_step, d)) {',
    );
    expect(sabotaged).not.toBe(causeWgsl());
    expect(mismatches(rows, await gpuCodes(sabotaged, rows)).length).toBeGreaterThan(0);
  });
});
