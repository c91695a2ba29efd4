/**
 * The df64 WGSL source, and deliberately degraded variants of it: tests use them to prove that the
 * precision checks can fail (a "test of the test").
 */
import df64Wgsl from '../../shaders/df64.wgsl?raw';

export type ProbeSabotage = 'drop-lo' | 'naive-two-sum';

/** Replaces the whole declaration of `fn name(...) {...}` in WGSL source (brace matching, no nesting issues). */
export function replaceWgslFunction(source: string, name: string, replacement: string): string {
  const re = new RegExp(`\\bfn\\s+${name}\\s*\\(`);
  const m = re.exec(source);
  if (!m) throw new Error(`WGSL function ${name} not found`);
  const open = source.indexOf('{', m.index);
  let depth = 0;
  for (let i = open; i < source.length; i++) {
    if (source[i] === '{') depth++;
    else if (source[i] === '}' && --depth === 0) {
      return source.slice(0, m.index) + replacement + source.slice(i + 1);
    }
  }
  throw new Error(`WGSL function ${name}: unbalanced braces`);
}

/** df64.wgsl, optionally degraded (see ProbeSabotage). */
export function df64Source(sabotage?: ProbeSabotage): string {
  let src = df64Wgsl;
  if (sabotage === 'drop-lo') {
    for (const name of ['two_prod_fma', 'two_prod_split']) {
      src = replaceWgslFunction(
        src,
        name,
        `fn ${name}(a: f32, b: f32) -> vec2<f32> { return vec2<f32>(a * b, 0.0); } // SABOTAGED`,
      );
    }
  } else if (sabotage === 'naive-two-sum') {
    src = replaceWgslFunction(
      src,
      'two_sum',
      'fn two_sum(a: f32, b: f32) -> vec2<f32> { return vec2<f32>(a + b, 0.0); } // SABOTAGED',
    );
  }
  return src;
}
