/** The number format of each CPU precision (apart from arith.ts, which lowArith.ts and mp.ts build on). */
import { type Arith, type CpuPrecision, DDA, F32, F64 } from './arith';
import { lowArith, masterArith } from './lowArith';
import { mpArith } from './mp';

/** The format of a CPU precision; `bits` sets mp's precision (default MP_DEFAULT_BITS, ignored otherwise). */
export function arithFor(precision: CpuPrecision, bits?: number, master?: 'f32'): Arith<unknown> {
  switch (precision) {
    case 'mp':
      return mpArith(bits) as Arith<unknown>;
    case 'f64':
      return F64 as Arith<unknown>;
    case 'f32':
      return F32 as Arith<unknown>;
    case 'dd':
      return DDA as Arith<unknown>;
    case 'bf16':
    case 'f16':
      return (master === 'f32' ? masterArith(precision) : lowArith(precision)) as Arith<unknown>;
  }
}
