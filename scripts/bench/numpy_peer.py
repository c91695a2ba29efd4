"""NumPy float64 peer for `npm run bench`.

The algorithm of shaders/trajectory.wgsl written the way a researcher would write it in NumPy: one array
per state component, vectorised over all trajectories, a Python loop over steps and harmonics. Both runs
(weight decay, and the equivalent exponential learning rate in PyTorch's buffer form), harmonics by complex
powers of u = w/|w|, first step past the drift tolerance per trajectory. The operation order is that of
src/core/integrator.ts, so in float64 it reproduces the TypeScript F64 integrator bit for bit.

Not done per step (the GPU kernel and the C peer do it): the non-finite check that freezes an overflowed
exponential run; η̃ is a single float shared by every trajectory, as a researcher would write it.

Usage:  python3 numpy_peer.py INPUT            time the run; prints JSON {"seconds", "trajectorySteps", ...}
        python3 numpy_peer.py INPUT --check    prints the final state as JSON
INPUT is written by src/bench/peerInput.ts. Timing excludes interpreter startup, imports and input parsing.
"""

import json
import sys
import time

import numpy as np


def read_input(path):
    with open(path) as f:
        lines = f.read().split("\n")
    tag, n, steps, k = lines[0].split()
    if tag != "scaleinv-bench-v1":
        raise SystemExit("numpy_peer: bad header")
    n, steps, k = int(n), int(steps), int(k)
    consts = [float(v) for v in lines[1].split()]
    a = [float(v) for v in lines[2].split()]
    b = [float(v) for v in lines[3].split()]
    pts = np.array([[float(v) for v in ln.split()] for ln in lines[4 : 4 + n]], dtype=np.float64)
    return n, steps, k, consts, a, b, pts


def gradient(x, y, ka, kb):
    """∇L(w) = f'(θ)·(−u_y, u_x)/|w| with f'(θ) = Σ k(b_k cos kθ − a_k sin kθ), cos/sin kθ by complex powers."""
    inv = 1.0 / np.sqrt(x * x + y * y)
    ux = x * inv
    uy = y * inv
    acc = np.zeros_like(x)
    c, s = ux, uy
    for h in range(len(ka)):
        acc = acc + (kb[h] * c - ka[h] * s)
        c, s = c * ux - s * uy, c * uy + s * ux
    g = acc * inv
    return -(uy * g), ux * g


def run(steps, consts, a, b, pts):
    lr, wd, mom, exp_lr0, growth, buf_init, tan2_tol = consts
    ka = [(h + 1) * a[h] for h in range(len(a))]
    kb = [(h + 1) * b[h] for h in range(len(b))]
    wx, wy = pts[:, 0].copy(), pts[:, 1].copy()
    wvx, wvy = np.zeros_like(wx), np.zeros_like(wy)
    ex, ey = wx.copy(), wy.copy()
    evx, evy = buf_init * ex, buf_init * ey
    elr = exp_lr0
    div = np.full(len(wx), -1, dtype=np.int64)

    start = time.perf_counter()
    for t in range(steps):
        # Weight-decay run: v ← γv + ∇L(w) + λw;  w ← w − ηv.
        gx, gy = gradient(wx, wy, ka, kb)
        wvx = mom * wvx + (gx + wd * wx)
        wvy = mom * wvy + (gy + wd * wy)
        wx = wx - lr * wvx
        wy = wy - lr * wvy
        # Exponential run: ṽ ← γṽ + ∇L(w̃);  w̃ ← w̃ − η̃ṽ;  η̃ ← η̃/α².
        hx, hy = gradient(ex, ey, ka, kb)
        evx = mom * evx + hx
        evy = mom * evy + hy
        ex = ex - elr * evx
        ey = ey - elr * evy
        elr = elr * growth
        # Drift: δ > tol ⇔ dot ≤ 0 or cross² > tan²(tol)·dot².
        cross = wx * ey - wy * ex
        dot = wx * ex + wy * ey
        bad = ~(dot > 0) | (cross * cross > tan2_tol * (dot * dot))
        div[bad & (div < 0)] = t + 1
    seconds = time.perf_counter() - start
    return seconds, (wx, wy, ex, ey, div)


def interleave(x, y):
    out = np.empty(2 * len(x))
    out[0::2], out[1::2] = x, y
    return [float(v) for v in out]


def main():
    if len(sys.argv) < 2:
        raise SystemExit("usage: numpy_peer.py INPUT [--check]")
    n, steps, _k, consts, a, b, pts = read_input(sys.argv[1])
    seconds, (wx, wy, ex, ey, div) = run(steps, consts, a, b, pts)
    if len(sys.argv) > 2 and sys.argv[2] == "--check":
        out = {"wd": interleave(wx, wy), "ex": interleave(ex, ey), "divergenceStep": [int(d) for d in div]}
    else:
        out = {
            "seconds": seconds,
            "trajectorySteps": n * steps,
            "checksum": float(np.sum(wx) + np.sum(wy)),
            "diverged": int(np.sum(div >= 0)),
            "n": n,
            "steps": steps,
            "numpy": np.__version__,
        }
    print(json.dumps(out))


if __name__ == "__main__":
    main()
