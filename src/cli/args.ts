/**
 * Option parsing shared by `run` and `study`: strict parseArgs with one config file, and the numeric options
 * both take (--bits for mp, --threads for the CPU precisions), each failing with a UsageError that says why.
 */
import { availableParallelism } from 'node:os';
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { MP_DEFAULT_BITS, MP_MAX_BITS, MP_MIN_BITS } from '../core/mp';
import { UsageError } from './usage';

/** Most worker threads one command may ask for (each is a V8 isolate with its own heap). */
export const MAX_THREADS = 256;

type Options = NonNullable<ParseArgsConfig['options']>;

/** `command <config.json> [options]`: the values as given and the one positional (the config file). */
export function parseCommandArgs<O extends Options>(command: string, args: string[], options: O) {
  let parsed: ReturnType<
    typeof parseArgs<{ args: string[]; allowPositionals: true; strict: true; options: O }>
  >;
  try {
    parsed = parseArgs({ args, allowPositionals: true, strict: true, options });
  } catch (e) {
    throw new UsageError(`${command}: ${(e as Error).message}`);
  }
  if (parsed.positionals.length !== 1) {
    throw new UsageError(
      `${command}: expected exactly one config file (scaleinv-lab ${command} <config.json> [options])`,
    );
  }
  return { file: parsed.positionals[0], values: parsed.values };
}

/** A whole number written in decimal digits only, within [lo, hi]; otherwise null. */
function integerIn(text: string, lo: number, hi: number): number | null {
  const n = Number(text);
  return /^\d+$/.test(text) && Number.isSafeInteger(n) && n >= lo && n <= hi ? n : null;
}

/** --bits N: mp's precision, an integer in [MP_MIN_BITS, MP_MAX_BITS] (default MP_DEFAULT_BITS). */
export function parseBits(command: string, text: string): number {
  const n = integerIn(text, MP_MIN_BITS, MP_MAX_BITS);
  if (n === null) {
    throw new UsageError(
      `${command}: --bits ${text} must be an integer from ${MP_MIN_BITS} to ${MP_MAX_BITS} (mp's precision; default ${MP_DEFAULT_BITS})`,
    );
  }
  return n;
}

/**
 * --threads N: worker threads for the CPU precisions, 1 to MAX_THREADS; absent: undefined, the default of
 * src/cli/cpuPool.ts (every core, for runs big enough to gain from it).
 */
export function parseThreads(command: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = integerIn(text, 1, MAX_THREADS);
  if (n === null) {
    throw new UsageError(
      `${command}: --threads ${text} must be an integer from 1 to ${MAX_THREADS} (worker threads for the CPU precisions; default: every core, ${availableParallelism()} here)`,
    );
  }
  return n;
}
