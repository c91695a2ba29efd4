/**
 * The layers of src/ import only downward (docs/architecture.md): each folder has a rank, and a file may
 * import its own folder or a folder of lower rank. Folders of equal rank (render and record, cli and
 * playground) do not import each other. Also: no source file grows past 400 lines.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const LAYER_RANK: Record<string, number> = {
  core: 0,
  gpu: 1,
  playground: 2,
  cli: 2,
  render: 3,
  record: 3,
  bench: 3,
  api: 3,
  ui: 4,
  fallback: 5,
  app: 6,
};

const SRC = resolve(__dirname, '../../src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? sourceFiles(p) : /\.ts$/.test(name) ? [p] : [];
  });
}

/** The src/ folder a path lies in ('' when outside src/). */
function layerOf(path: string): string {
  const rel = relative(SRC, path);
  return rel.startsWith('..') ? '' : rel.split(/[\\/]/)[0];
}

/** Every relative import of a file's source text, as [specifier, layer it lands in]. */
function importedLayers(file: string, text: string): Array<[string, string]> {
  const specs = [...text.matchAll(/(?:from|import)\s*\(?\s*['"](\.{1,2}\/[^'"]+)['"]/g)].map((m) => m[1]);
  return specs.map((s) => [s, layerOf(resolve(dirname(file), s))]);
}

/** The imports of `file` that reach a layer not below its own: "file -> specifier (layer)". */
function upwardImports(file: string, text: string): string[] {
  const own = layerOf(file);
  return importedLayers(file, text)
    .filter(([, layer]) => layer !== '' && layer !== own && !(LAYER_RANK[layer] < LAYER_RANK[own]))
    .map(([s, layer]) => `${relative(SRC, file)} -> ${s} (${layer})`);
}

describe('layers', () => {
  const files = sourceFiles(SRC);

  it('every src/ folder has a rank', () => {
    const folders = readdirSync(SRC).filter((n) => statSync(join(SRC, n)).isDirectory());
    expect(folders.filter((f) => !(f in LAYER_RANK))).toEqual([]);
  });

  it('no file imports a layer at or above its own', () => {
    const bad = files.flatMap((f) => upwardImports(f, readFileSync(f, 'utf8')));
    expect(bad).toEqual([]);
  });

  it('the check catches an upward import (a render file importing the app)', () => {
    const fake = join(SRC, 'render', 'fake.ts');
    expect(upwardImports(fake, "import { x } from '../app/app';")).toHaveLength(1);
    expect(upwardImports(fake, "import { x } from '../record/types';")).toHaveLength(1);
    expect(upwardImports(fake, "import { x } from '../core/loss';\nimport './camera';")).toEqual([]);
  });

  it('no source file is over 400 lines', () => {
    const long = files
      .map((f) => [relative(SRC, f), readFileSync(f, 'utf8').split('\n').length] as const)
      .filter(([, n]) => n > 400);
    expect(long).toEqual([]);
  });
});
