import Decimal from 'decimal.js';
import { F64, F32, DDA, type Arith } from '../src/core/arith';
import { lowArith } from '../src/core/lowArith';
import { mpArith } from '../src/core/mp';
import { expConstants, expInFormat, expDegree } from '../src/core/model/expInFormat';
import { DD } from '../src/core/dd';
const D = Decimal.clone({ precision: 120 });
function exact(x: number) { return new D(x.toString()) } // not exact but fine? use exact
const view = new DataView(new ArrayBuffer(8));
function ex(x: number): Decimal { view.setFloat64(0,x); const b=view.getBigUint64(0); const neg=b>>63n===1n; const be=Number((b>>52n)&0x7ffn); const f=b&((1n<<52n)-1n); const m=be===0?f:f|(1n<<52n); const e=be===0?-1074:be-1075; let v=new D((neg?-m:m).toString()); return e>=0? v.times(new D(2).pow(e)) : v.div(new D(2).pow(-e)); }
function ulpErr(got: number, ref: Decimal, p: number) { const r = ref.toNumber(); const e = Math.floor(Math.log2(Math.abs(r))); return new D(got).minus(ref).abs().div(new D(2).pow(e-(p-1))).toNumber(); }
for (const [name, A, p] of [['f64',F64,53],['f32',F32,24],['bf16',lowArith('bf16'),8],['f16',lowArith('f16'),11]] as [string, Arith<number>, number][]) {
  for (const sab of [0,1,2]) {
  const c = expConstants(A);
  const cc = sab ? {...c, coeffs: c.coeffs.slice(0, c.coeffs.length - sab)} : c;
  let max = 0, at = 0;
  const lo = name==='f16' ? -9.7 : -30, hi = name==='f16'? 11 : 30;
  for (let i = 0; i <= 6000; i++) {
    const x = A.from(lo + (hi-lo)*i/6000);
    const g = expInFormat(A, cc, x);
    const u = ulpErr(g, ex(x).exp(), p);
    if (u > max) { max = u; at = x; }
  }
  console.log(name, 'deg', expDegree(p), 'sab', sab, 'max ulp', max, 'at', at);
  }
}
// DD
for (const sab of [0,1]) {
const c = expConstants(DDA);
const cc = sab ? {...c, coeffs: c.coeffs.slice(0, -1)} : c;
let max = 0;
for (let i = 0; i <= 6000; i++) {
  const x0 = -30 + 60*i/6000; const x = new DD(x0, x0*1.1e-17*Math.sin(i));
  const xd = ex(x.hi).plus(ex(x.lo));
  const g = expInFormat(DDA, cc, x);
  const ref = xd.exp();
  const rel = ex(g.hi).plus(ex(g.lo)).minus(ref).div(ref).abs().toNumber();
  max = Math.max(max, rel);
}
console.log('dd deg', expDegree(106), 'sab', sab, 'max rel', max);
}
const M = mpArith(256);
const cM = expConstants(M);
let maxm = 0;
const t0 = Date.now();
for (let i = 0; i <= 200; i++) { const x = M.from(-30 + 60*i/200).plus(M.from(1e-20)); const g = expInFormat(M, cM, x); const r = new D(x).exp(); maxm = Math.max(maxm, new D(g).minus(r).div(r).abs().toNumber()); }
console.log('mp max rel', maxm, Math.log2(maxm), Date.now()-t0);
