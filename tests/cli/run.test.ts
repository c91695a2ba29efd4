/**
 * The real `scaleinv-lab` command line, spawned as a process (bin/scaleinv-lab.mjs through tsx): output
 * contract, precision overrides, --out files, and bad usage (exit 2, one line on stderr, no stack trace).
 * The f64 numbers are checked against an independent float64 weight-decay run written here with
 * Math.atan2/cos/sin (the code under test uses complex powers of the unit vector instead).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type CliResult, cli, tempConfig } from './cliHarness';

/** Exit 2, nothing on stdout, exactly one line on stderr, no stack trace; returns that line. */
function expectUsageError(r: CliResult): string {
  expect(r.status, r.stderr).toBe(2);
  expect(r.stdout).toBe('');
  expect(r.stderr.endsWith('\n')).toBe(true);
  const lines = r.stderr.split('\n').slice(0, -1);
  expect(lines, r.stderr).toHaveLength(1);
  expect(r.stderr).not.toMatch(/^\s+at /m);
  expect(lines[0].startsWith('scaleinv-lab: ')).toBe(true);
  return lines[0];
}

// seed-wells' coefficients, written out so the reference does not depend on the preset table.
const A = [-0.197, 0.013, -0.02, 0.007, 0.005, -0.005];
const B = [0.186, 0.022, 0, -0.013, 0.009, 0];
const LR = 0.1;
const WD = 0.05;
const STEPS = 100;
const EVERY = 10;
const INITS: [number, number][] = [
  [-0.7, 0.7],
  [1, 0.3],
];

const CONFIG = {
  loss: { fourier: { a: A, b: B } },
  optimizer: { lr: LR, weightDecay: WD, momentum: 0, milestones: [], lrDecay: 0.1 },
  init: { points: INITS },
  steps: STEPS,
  sampleEvery: EVERY,
  driftTolerance: 1e-3,
  precision: 'f64',
  backend: 'cpu',
};

/** Independent float64 weight-decay run (γ = 0): w ← (1 − ηλ)w − η∇L(w), ∇L = f'(θ)(−sin θ, cos θ)/r. */
function referenceRun(x0: number, y0: number): [number, number][] {
  let x = x0;
  let y = y0;
  const out: [number, number][] = [[x, y]];
  for (let t = 1; t <= STEPS; t++) {
    const r = Math.hypot(x, y);
    const th = Math.atan2(y, x);
    let fp = 0;
    for (let k = 1; k <= A.length; k++)
      fp += k * (-A[k - 1] * Math.sin(k * th) + B[k - 1] * Math.cos(k * th));
    const gx = (-Math.sin(th) * fp) / r;
    const gy = (Math.cos(th) * fp) / r;
    x = (1 - LR * WD) * x - LR * gx;
    y = (1 - LR * WD) * y - LR * gy;
    out.push([x, y]);
  }
  return out;
}

interface Samples {
  step: number[];
  wd: [number | null, number | null][];
  expProjected: [number | null, number | null][];
  expNormLog2: (number | null)[];
  angleGap: (number | null)[];
}
interface Trajectory {
  init: [number, number];
  divergenceStep: number | null;
  overflowStep: number | null;
  samples: Samples;
}
interface Output {
  precision: string;
  backend: string;
  adapter: string | null;
  alpha: number;
  trajectories: Trajectory[];
  [key: string]: unknown;
}

const STEP_LIST = Array.from({ length: STEPS / EVERY + 1 }, (_, i) => i * EVERY);

const files = tempConfig('scaleinv-cli-', CONFIG);

function expectContract(out: Output, precision: string): void {
  expect(out.precision).toBe(precision);
  expect(out.backend).toBe('cpu');
  expect(out.adapter).toBeNull();
  expect(out.alpha).toBeCloseTo(1 - LR * WD, 15);
  expect(out).toMatchObject({ steps: STEPS, sampleEvery: EVERY, driftTolerance: 1e-3 });
  expect(out.trajectories).toHaveLength(INITS.length);
  out.trajectories.forEach((tr, i) => {
    expect(tr.init).toEqual(INITS[i]);
    expect(tr.divergenceStep).toBeNull();
    expect(tr.overflowStep).toBeNull();
    expect(tr.samples.step).toEqual(STEP_LIST);
    for (const key of ['wd', 'expProjected', 'expNormLog2', 'angleGap'] as const) {
      expect(tr.samples[key]).toHaveLength(STEP_LIST.length);
    }
    for (const p of [...tr.samples.wd, ...tr.samples.expProjected]) {
      expect(p).toHaveLength(2);
      expect(typeof p[0]).toBe('number');
      expect(typeof p[1]).toBe('number');
    }
    for (const v of [...tr.samples.expNormLog2, ...tr.samples.angleGap]) expect(typeof v).toBe('number');
  });
}

/** Every weight-decay sample within 1e-12 of the independent float64 run (referenceRun) at its step. */
function expectNearReference(out: Output): void {
  out.trajectories.forEach((tr, i) => {
    const ref = referenceRun(...INITS[i]);
    tr.samples.step.forEach((t, j) => {
      const [x, y] = tr.samples.wd[j] as [number, number];
      expect(Math.abs(x - ref[t][0]) + Math.abs(y - ref[t][1])).toBeLessThan(1e-12);
    });
  });
}

describe('scaleinv-lab run (valid configs)', () => {
  it('prints the documented JSON, and f64 matches an independent float64 run', () => {
    const r = cli(['run', files.config]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout.endsWith('\n')).toBe(true);
    const out = JSON.parse(r.stdout) as Output;
    expectContract(out, 'f64');
    expect(out.schedule).toEqual({ kind: 'weight-decay', alphas: [out.alpha], phaseStarts: [0] });
    expect(out.loss).toEqual({ a: A, b: B });

    let maxWd = 0;
    let maxExp = 0;
    out.trajectories.forEach((tr, i) => {
      const ref = referenceRun(...INITS[i]);
      tr.samples.step.forEach((t, j) => {
        const [x, y] = tr.samples.wd[j] as [number, number];
        const [px, py] = tr.samples.expProjected[j] as [number, number];
        maxWd = Math.max(maxWd, Math.abs(x - ref[t][0]), Math.abs(y - ref[t][1]));
        maxExp = Math.max(maxExp, Math.abs(px - x), Math.abs(py - y));
        // |w̃_t| = |α^-t w_t| and the gap is tiny in this non-chaotic stretch.
        expect(tr.samples.expNormLog2[j]).toBeCloseTo(
          Math.log2(Math.hypot(px, py)) - t * Math.log2(out.alpha),
          9,
        );
        expect(tr.samples.angleGap[j]).toBeLessThan(1e-12);
      });
    });
    expect(maxWd).toBeLessThan(1e-12);
    expect(maxExp).toBeLessThan(1e-10);
  });

  it('--precision f32 overrides the file', () => {
    const r = cli(['run', files.config, '--precision', 'f32']);
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as Output;
    expectContract(out, 'f32');
    out.trajectories.forEach((tr, i) => {
      const ref = referenceRun(...INITS[i]);
      tr.samples.step.forEach((t, j) => {
        const [x, y] = tr.samples.wd[j] as [number, number];
        // Really float32: every value is a float32, and close to the float64 run.
        expect(Math.fround(x)).toBe(x);
        expect(Math.fround(y)).toBe(y);
        expect(Math.abs(x - ref[t][0]) + Math.abs(y - ref[t][1])).toBeLessThan(1e-4);
      });
    });
  });

  it('--precision dd overrides the file; --out x.json writes the same JSON to a file', () => {
    const file = join(files.dir, 'out.json');
    const r = cli(['run', files.config, '--precision', 'dd', '--out', file]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe('');
    const out = JSON.parse(readFileSync(file, 'utf8')) as Output;
    expectContract(out, 'dd');
    expectNearReference(out);
  });

  it('--precision mp --bits 128: same contract, mp info, renormalisation forced off, the reference run', () => {
    const r = cli(['run', files.config, '--precision', 'mp', '--bits', '128']);
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as Output;
    expectContract(out, 'mp');
    expect(out.mp).toMatchObject({ bits: 128, digits: 40 });
    expect(out.numerics).toEqual({ renormalize: false, lrMode: 'recurrence' });
    expectNearReference(out);
  });

  it('--out x.csv writes a header and one row per trajectory per sample', () => {
    const file = join(files.dir, 'out.csv');
    const r = cli(['run', files.config, '-o', file]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe('');
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
    expect(lines[0]).toBe(
      'trajectory,init_x,init_y,step,wd_x,wd_y,exp_projected_x,exp_projected_y,exp_norm_log2,angle_gap,divergence_step,overflow_step,' +
        'crossing_step,wd_absorbed_step,exp_absorbed_step,underflow_step,divergence_cause,wd_norm_log2',
    );
    expect(lines).toHaveLength(1 + INITS.length * STEP_LIST.length);
    const ref = referenceRun(...INITS[1]);
    const row = lines[1 + STEP_LIST.length + 3].split(',');
    expect(row.slice(0, 4).map(Number)).toEqual([1, ...INITS[1], STEP_LIST[3]]);
    expect(Math.abs(Number(row[4]) - ref[STEP_LIST[3]][0])).toBeLessThan(1e-12);
    // No divergence, overflow, crossing, absorption, underflow or cause in 100 stable steps.
    expect(row.slice(10, 17)).toEqual(['', '', '', '', '', '', '']);
  });
});

describe('scaleinv-lab (bad usage: exit 2, one line on stderr)', () => {
  it('no config file', () => {
    expect(expectUsageError(cli(['run']))).toContain('expected exactly one config file');
  });

  it('two config files', () => {
    expect(expectUsageError(cli(['run', files.config, files.config]))).toContain(
      'expected exactly one config file',
    );
  });

  it('an unknown flag', () => {
    expect(expectUsageError(cli(['run', files.config, '--bogus']))).toContain("'--bogus'");
  });

  it('--out with another extension writes nothing', () => {
    const file = join(files.dir, 'x.txt');
    const line = expectUsageError(cli(['run', files.config, '--out', file]));
    expect(line).toContain('x.txt');
    expect(line).toContain('.json, .csv or .arrow');
    expect(existsSync(file)).toBe(false);
  });

  it('a missing file', () => {
    const line = expectUsageError(cli(['run', join(files.dir, 'nope.json')]));
    expect(line).toContain('nope.json');
    expect(line).toContain('no such file');
  });

  it('invalid JSON', () => {
    const file = join(files.dir, 'broken.json');
    writeFileSync(file, '{"steps": 10,\n  "loss": }\n');
    const line = expectUsageError(cli(['run', file]));
    expect(line).toContain('broken.json');
    expect(line).toContain('not valid JSON');
  });

  it('an invalid config field names the field, the value and the range', () => {
    const file = join(files.dir, 'badfield.json');
    writeFileSync(file, JSON.stringify({ ...CONFIG, optimizer: { ...CONFIG.optimizer, lr: -1 }, stpes: 3 }));
    const line = expectUsageError(cli(['run', file]));
    expect(line).toContain('optimizer.lr: -1 is out of range (expected a number in (0, 100])');
    expect(line).toContain('stpes: unknown field');
  });

  it('--precision df64 --backend cpu', () => {
    const line = expectUsageError(cli(['run', files.config, '--precision', 'df64', '--backend', 'cpu']));
    expect(line).toContain('df64 does not run on the cpu backend');
  });

  it('--bits out of range, or with a precision other than mp', () => {
    expect(expectUsageError(cli(['run', files.config, '--precision', 'mp', '--bits', '32']))).toMatch(
      /--bits 32 must be an integer from 64 to 4096/,
    );
    expect(expectUsageError(cli(['run', files.config, '--bits', '128']))).toContain('precision is f64');
  });

  it('an unknown command', () => {
    expect(expectUsageError(cli(['frobnicate']))).toContain("unknown command 'frobnicate'");
  });

  it('--help exits 0 with the usage', () => {
    const r = cli(['--help']);
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('Usage:');
    expect(r.stdout).toContain('scaleinv-lab run <config.json>');
  });
});
