/**
 * Assembles the model kernels' WGSL: the real type's prelude (src/gpu/shaderSource.ts), df64.wgsl's
 * error-free transforms, the structs (modelLayout.ts), exp's constants generated from expConstantsDD as
 * exact literals, the index functions of the layout, then shaders/model_common.wgsl, the precision's
 * divergence test and the layout's step kernel.
 */
import modelCommonWgsl from '../../../shaders/model_common.wgsl?raw';
import modelDf64Wgsl from '../../../shaders/model_df64.wgsl?raw';
import modelF32Wgsl from '../../../shaders/model_f32.wgsl?raw';
import modelStepWgsl from '../../../shaders/model_step.wgsl?raw';
import modelStepWgWgsl from '../../../shaders/model_step_wg.wgsl?raw';
import { DD, ddToNumber } from '../../core/dd';
import { expConstantsDD } from '../../core/model/expInFormat';
import { MODEL_LIMITS } from '../../core/model/modelConfig';
import { df64Source, type ProbeSabotage, replaceWgslFunction } from '../df64Source';
import { gpuReal } from '../realValues';
import { realPrelude } from '../shaderSource';
import { indexWgsl, type ModelGpuPrecision, type ModelLayout, modelStructsWgsl } from './modelLayout';

/**
 * Significant bits exp's constants are made for in df64 (the probe measures ~46 for its operations): the
 * polynomial's degree and ln2_hi's length (expInFormat.ts expDegree).
 */
export const DF64_EXP_BITS = 48;

/** Deliberate defects, for tests that must see the bit-exact comparison fail. */
export type ModelSabotage = 'dot-order' | ProbeSabotage;

function f32Bits(x: number): string {
  const u = new Uint32Array(new Float32Array([x]).buffer)[0];
  return `bitcast<f32>(0x${u.toString(16).padStart(8, '0')}u)`;
}

/** An exactly known constant as a WGSL expression of the kernel's real type, rounded as the host rounds. */
function realLiteral(x: DD, p: ModelGpuPrecision): string {
  const v = gpuReal(x, p);
  if (typeof v === 'number') return f32Bits(v);
  return `vec2<f32>(${f32Bits(v[0])}, ${f32Bits(v[1])})`;
}

/**
 * The kernel's constants as exactly known values: 1, then exp's log2 e, ½, ln2 split and Taylor
 * coefficients 1/j! (expInFormat.ts expConstantsDD for the format's bits). The host appends them, rounded
 * into the format, to the data buffer after the readout (df64 reads them from there, see expWgsl).
 */
export function modelConstantsDD(p: ModelGpuPrecision): DD[] {
  const c = expConstantsDD(p === 'f32' ? 24 : DF64_EXP_BITS);
  return [new DD(1, 0), c.log2e, new DD(0.5, 0), c.ln2Hi, c.ln2Lo, ...c.coeffs];
}

/**
 * exp's constants and its Taylor polynomial in Horner form, unrolled (expInFormat.ts). f32: exact
 * literals. df64: loaded from the data buffer, because a literal operand lets the shader compiler fold
 * df64's error-free transforms (measured on SwiftShader: df_add(1, x) lost its error term, 2e-8).
 */
export function expWgsl(p: ModelGpuPrecision): string {
  const all = modelConstantsDD(p);
  const n = all.length - 6;
  const names = ['r_one', 'exp_log2e', 'exp_half', 'exp_ln2_hi', 'exp_ln2_lo'];
  const value = (j: number) => (p === 'f32' ? realLiteral(all[j], p) : `const_at(${j}u)`);
  const lines =
    p === 'f32'
      ? []
      : ['fn const_at(j: u32) -> R { return data[params.n * params.d + params.n + params.hidden + j]; }'];
  names.forEach((name, j) => {
    lines.push(`fn ${name}() -> R { return ${value(j)}; }`);
  });
  lines.push(`// Σ_{j≤${n}} r^j/j!`, 'fn exp_poly(r: R) -> R {', `  var p = ${value(5 + n)};`);
  if (p === 'f32') {
    for (let j = n - 1; j >= 0; j--) {
      lines.push(`  p = r_add(r_mul(p, r), ${value(5 + j)}); // 1/${j}! = ${ddToNumber(all[5 + j])}`);
    }
  } else {
    // A loop: every unrolled df64 step adds to SwiftShader's compile time.
    lines.push(
      `  for (var j = ${n - 1}; j >= 0; j--) {`,
      '    p = r_add(r_mul(p, r), const_at(5u + u32(j)));',
      '  }',
    );
  }
  lines.push('  return p;', '}', '');
  return lines.join('\n');
}

export interface ModelShaderOptions {
  precision: ModelGpuPrecision;
  layout: ModelLayout;
  sabotage?: ModelSabotage;
}

/** The whole model kernel for a precision and layout (entry point model_step). */
export function modelShader(o: ModelShaderOptions): string {
  return [modelPrelude(o), o.layout === 'invocation' ? modelStepWgsl : modelStepWgWgsl].join('\n');
}

/**
 * Everything of the kernel but its step: bindings, data access, exp, the rescalings and the divergence
 * test (tests append entry points of their own to check parts of it).
 */
export function modelPrelude(o: ModelShaderOptions): string {
  const p = o.precision;
  const probeSabotage = o.sabotage === 'dot-order' ? undefined : o.sabotage;
  let common = modelCommonWgsl;
  if (o.sabotage === 'dot-order') {
    // The same products summed from the last feature down: a different rounding of z.
    common = replaceWgslFunction(
      common,
      'dot_row',
      `fn dot_row(i: u32, kind: u32, wo: u32) -> R {
  var s = r_mul(x_at(i, params.d - 1u), vecs[vi(kind, wo + params.d - 1u)]);
  for (var k = params.d - 1u; k > 0u; k--) {
    s = r_add(s, r_mul(x_at(i, k - 1u), vecs[vi(kind, wo + k - 1u)]));
  }
  return s;
} // SABOTAGED`,
    );
  }
  return [
    realPrelude(p, probeSabotage),
    // The f32 kernel's divergence test needs df64.wgsl's two_sum and two_prod (the df64 prelude has them).
    p === 'f32' ? df64Source() : '',
    modelStructsWgsl(p),
    `const MAX_D: u32 = ${MODEL_LIMITS.dim}u;`,
    `const MAX_HIDDEN: u32 = ${MODEL_LIMITS.hidden}u;`,
    expWgsl(p),
    indexWgsl(o.layout),
    common,
    p === 'f32' ? modelF32Wgsl : modelDf64Wgsl,
  ].join('\n');
}
