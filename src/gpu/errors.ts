/**
 * Turning WebGPU's asynchronous error reporting into exceptions: error scopes around a block of calls,
 * and shader modules that fail with their compilation messages.
 */

export type GpuErrorKind = 'validation' | 'out-of-memory' | 'internal';

export class GpuValidationError extends Error {
  constructor(
    readonly label: string,
    readonly errors: { kind: GpuErrorKind; message: string }[],
  ) {
    super(`GPU error in "${label}": ${errors.map((e) => `[${e.kind}] ${e.message}`).join('; ')}`);
    this.name = 'GpuValidationError';
  }
}

export interface ShaderCompileMessage {
  type: GPUCompilationMessageType;
  message: string;
  lineNum: number;
  linePos: number;
}

export class ShaderCompileError extends Error {
  constructor(
    readonly label: string,
    readonly messages: ShaderCompileMessage[],
  ) {
    super(
      `WGSL compilation failed for "${label}":\n${messages
        .map((m) => `  ${label}:${m.lineNum}:${m.linePos}: ${m.type}: ${m.message}`)
        .join('\n')}`,
    );
    this.name = 'ShaderCompileError';
  }
}

/**
 * Runs fn inside validation, out-of-memory and internal error scopes and throws GpuValidationError if any
 * caught an error. Scopes are per device, not per call chain: keep other GPU work of the same device from
 * interleaving with an async fn, or its errors will be attributed here.
 */
export async function withErrorScopes<T>(
  device: GPUDevice,
  label: string,
  fn: () => T | Promise<T>,
): Promise<T> {
  device.pushErrorScope('validation');
  device.pushErrorScope('out-of-memory');
  device.pushErrorScope('internal');
  let result: T | undefined;
  let thrown: unknown;
  let threw = false;
  try {
    result = await fn();
  } catch (e) {
    thrown = e;
    threw = true;
  }
  // Popped in reverse order of pushing.
  const internal = await device.popErrorScope();
  const oom = await device.popErrorScope();
  const validation = await device.popErrorScope();
  const errors: { kind: GpuErrorKind; message: string }[] = [];
  if (validation) errors.push({ kind: 'validation', message: validation.message });
  if (oom) errors.push({ kind: 'out-of-memory', message: oom.message });
  if (internal) errors.push({ kind: 'internal', message: internal.message });
  if (errors.length > 0) throw new GpuValidationError(label, errors);
  if (threw) throw thrown;
  return result as T;
}

/**
 * Creates a shader module and waits for its compilation info; throws ShaderCompileError listing every
 * error with line:column (line numbers refer to `code` as passed, i.e. after any concatenation).
 */
export async function compileShaderModule(
  device: GPUDevice,
  label: string,
  code: string,
): Promise<GPUShaderModule> {
  device.pushErrorScope('validation');
  const module = device.createShaderModule({ label, code });
  const info = await module.getCompilationInfo();
  const scopeError = await device.popErrorScope();
  const errors: ShaderCompileMessage[] = info.messages
    .filter((m) => m.type === 'error')
    .map((m) => ({ type: m.type, message: m.message, lineNum: m.lineNum, linePos: m.linePos }));
  if (errors.length > 0) throw new ShaderCompileError(label, errors);
  if (scopeError) throw new GpuValidationError(label, [{ kind: 'validation', message: scopeError.message }]);
  return module;
}
