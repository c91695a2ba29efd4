/** Entry point of the `scaleinv-lab` command line. Returns the exit code; never prints a stack trace. */
import { readFileSync } from 'node:fs';
import { ConfigError } from '../core/config/issues';
import { LOSS_PRESETS } from '../core/presets';
import { runCommand } from './runCommand';
import { USAGE, UsageError } from './usage';

function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
  return String(pkg.version);
}

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'run':
        return await runCommand(rest);
      case 'selftest': {
        const { selftestCommand } = await import('./selftest');
        return await selftestCommand(rest);
      }
      case 'study': {
        const { studyCommand } = await import('./study');
        return await studyCommand(rest);
      }
      case 'presets':
        for (const p of LOSS_PRESETS) process.stdout.write(`${p.name.padEnd(14)} ${p.description}\n`);
        return 0;
      case '--version':
      case '-v':
        process.stdout.write(`${packageVersion()}\n`);
        return 0;
      case undefined:
      case '--help':
      case '-h':
      case 'help':
        process.stdout.write(`${USAGE}\n`);
        return command === undefined ? 2 : 0;
      default:
        throw new UsageError(
          `unknown command '${command}' (expected run, study, selftest or presets; see --help)`,
        );
    }
  } catch (e) {
    return reportError(e);
  }
}

export function reportError(e: unknown): number {
  const oneLine = (s: string) => s.replace(/\s*\n\s*/g, ' ');
  if (e instanceof UsageError || e instanceof ConfigError) {
    process.stderr.write(`scaleinv-lab: ${oneLine(e.message)}\n`);
    return 2;
  }
  const message = e instanceof Error ? e.message : String(e);
  process.stderr.write(`scaleinv-lab: error: ${oneLine(message)}\n`);
  if (process.env.SCALEINV_DEBUG && e instanceof Error) process.stderr.write(`${e.stack}\n`);
  return 1;
}
