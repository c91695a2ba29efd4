/** The precision probe's report and its human-readable lines (selftest, bench, the app's panel). */

export interface ProbeReport {
  adapter: string;
  twoSumExact: boolean;
  twoSumFailures: number;
  twoProdFmaExact: boolean;
  twoProdSplitExact: boolean;
  /** Number of pairs whose fma / split TwoProd was not exact (0 when exact). */
  twoProdFmaFailures: number;
  twoProdSplitFailures: number;
  fmaFused: boolean;
  /** Human-readable findings about how the compiler treated plain f32 expressions; empty if none. */
  compilerDamage: string[];
  chosenTwoProd: 'fma' | 'split' | null;
  /** -log2(max relative error) vs a double-double reference; capped at 106 when every result is exact. */
  bits: { add: number; mul: number; div: number; sqrt: number };
  df64Usable: boolean;
  reason: string | null;
  pairsTested: number;
}

function exactness(exact: boolean, failures: number, n: number): string {
  return exact ? 'exact' : `NOT exact (${failures}/${n} pairs wrong)`;
}

export function formatProbeReport(r: ProbeReport): string[] {
  const n = r.pairsTested;
  const lines = [
    `adapter: ${r.adapter}`,
    `pairs tested: ${n}`,
    `TwoSum: ${exactness(r.twoSumExact, r.twoSumFailures, n)}`,
    `TwoProd (fma): ${exactness(r.twoProdFmaExact, r.twoProdFmaFailures, n)}`,
    `TwoProd (split): ${exactness(r.twoProdSplitExact, r.twoProdSplitFailures, n)}`,
    `fma: ${r.fmaFused ? 'fused' : 'NOT fused'}`,
    `chosen TwoProd: ${r.chosenTwoProd ?? 'none'}`,
  ];
  if (r.compilerDamage.length === 0) lines.push('compiler damage: none found');
  for (const d of r.compilerDamage) lines.push(`compiler damage: ${d}`);
  lines.push(
    `df64 add: ${r.bits.add.toFixed(1)} bits`,
    `df64 mul: ${r.bits.mul.toFixed(1)} bits`,
    `df64 div: ${r.bits.div.toFixed(1)} bits`,
    `df64 sqrt: ${r.bits.sqrt.toFixed(1)} bits`,
    r.df64Usable ? 'verdict: df64 usable' : `verdict: df64 NOT usable: ${r.reason}`,
  );
  return lines;
}
