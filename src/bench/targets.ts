/**
 * The speed targets for the WGSL kernels, checked against the rows of one bench run (so every ratio
 * compares figures measured together). A target whose row or reference was skipped is reported as such.
 */
export interface Target {
  what: string;
  /** Measured ratio, or null when a row it needs was skipped. */
  ratio: number | null;
  goal: number;
  met: boolean | null;
}

export interface TargetRates {
  f32: number | null;
  df64: number | null;
  numpy: number | null;
  c: number | null;
}

function target(what: string, rate: number | null, base: number | null, goal: number): Target {
  const ratio = rate !== null && base !== null && base > 0 ? rate / base : null;
  return { what, ratio, goal, met: ratio === null ? null : ratio >= goal };
}

export function speedTargets(r: TargetRates): Target[] {
  return [
    target('WGSL f32 vs NumPy f64', r.f32, r.numpy, 5),
    target('WGSL f32 vs C f32 loop', r.f32, r.c, 1),
    target('WGSL df64 vs NumPy f64', r.df64, r.numpy, 1),
  ];
}

export function formatTargets(targets: Target[]): string {
  const lines = targets.map((t) => {
    const got = t.ratio === null ? 'not measured' : `${t.ratio.toFixed(2)}x`;
    const verdict = t.met === null ? 'skipped' : t.met ? 'met' : 'NOT met';
    return `  ${t.what}: ${got} (target >= ${t.goal}x): ${verdict}`;
  });
  return ['targets (issue 3, measured in this run):', ...lines].join('\n');
}
