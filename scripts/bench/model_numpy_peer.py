"""NumPy float64 peer of the batch-normalised models for `npm run bench` (issue 16).

The algorithm of src/core/model/modelIntegrator.ts with bnGradient.ts's explicit gradient, written the way a
researcher would write it in NumPy: the weights of all seeds in one array of shape [seeds, hidden, d], the
batch-norm forward and backward on arrays of shape [seeds, hidden, n], the two matrix products folded into
one GEMM each ([seeds·hidden, d] @ [d, n] and [seeds·hidden, n] @ [n, d]), a Python loop over steps. Both
runs: the weight-decay run and its exponential twin (buffer form, η̃ ← η̃·growth), with the constants
lr, growth, expLr0 and bufferInit taken from the input (src/core/schedule.ts's toExponential), so the peer
integrates the identical twin; the first step whose angle gap exceeds the drift tolerance, per seed.

Per unit j (PyTorch's BatchNorm1d(affine=False) in training mode):
  z = x·w_j,  μ = Σz/n,  σ² = Σ(z − μ)²/n + ε,  ẑ = (z − μ)/σ
  out = ẑ (bnLogistic)  or  Σ_j a_j·relu(ẑ_j) (bnMlp),  L = Σ log(1 + e^(−y·out))/n
  g = −y/(n·(1 + e^(y·out))),  ĝ_j = g (bnLogistic) or a_j·g·[ẑ_j > 0] (bnMlp)
  ∂L/∂z_j = (ĝ_j − mean ĝ_j − ẑ_j·mean(ĝ_j·ẑ_j))/σ_j,  ∂L/∂w_j = Σ_i ∂L/∂z_ij·x_i

Not done (the TypeScript integrator does it): renormalisation (the bench runs without it), the freeze of an
overflowed exponential run, the sharpness check.

Usage:  python3 model_numpy_peer.py INPUT [--seeds M] [--steps T] [--then INPUT [--seeds M] ...]
INPUT is the JSON written by src/bench/modelPeers.ts. Prints one JSON line: timing, checksum, and the weights
of both runs of the first `checkSeeds` seeds after `checkStep` steps (before the runs split). Timing excludes startup, imports and input parsing.
"""

import json
import os
import sys
import time

import numpy as np


def read_input(path):
    with open(path) as f:
        p = json.load(f)
    if p.get("format") != "scaleinv-model-bench-v1":
        raise SystemExit("model_numpy_peer: bad input format")
    return p


def arg(args, name, default):
    if name in args:
        return args[args.index(name) + 1]
    return default


def jobs(argv):
    """The command line's runs: INPUT [options], several separated by --then."""
    out, cur = [], []
    for a in argv:
        if a == "--then":
            out.append(cur)
            cur = []
        else:
            cur.append(a)
    out.append(cur)
    return out


def make_gradient(p, seeds):
    n, d, h = p["n"], p["d"], p["hidden"]
    x = np.array(p["x"], dtype=np.float64).reshape(n, d)
    xt = np.ascontiguousarray(x.T)
    y = np.array(p["y"], dtype=np.float64)
    a = np.array(p["readout"], dtype=np.float64).reshape(1, h, 1)
    inv_n = float(p["invN"])
    eps = float(p["eps"])
    mlp = p["kind"] == "bnMlp"
    neg_y_inv_n = -y * inv_n

    def gradient(w):
        z = (w.reshape(seeds * h, d) @ xt).reshape(seeds, h, n)
        mean = z.sum(axis=-1, keepdims=True) * inv_n
        dev = z - mean
        var = (dev * dev).sum(axis=-1, keepdims=True) * inv_n
        if eps != 0:
            var = var + eps
        rs = 1.0 / np.sqrt(var)
        zh = dev * rs
        if mlp:
            pos = zh > 0
            out = (a * np.where(pos, zh, 0.0)).sum(axis=1)
        else:
            out = zh[:, 0, :]
        g = neg_y_inv_n / (1.0 + np.exp(y * out))
        gh = a * g[:, None, :] * pos if mlp else g[:, None, :]
        gbar = gh.sum(axis=-1, keepdims=True) * inv_n
        gzbar = (gh * zh).sum(axis=-1, keepdims=True) * inv_n
        dz = ((gh - gbar) - zh * gzbar) * rs
        return (dz.reshape(seeds * h, n) @ x).reshape(seeds, h * d)

    return gradient


def run(p, seeds, steps):
    P = p["P"]
    k, check_step = min(p["checkSeeds"], seeds), p["checkStep"]
    gradient = make_gradient(p, seeds)
    lr, lam, mom = p["lr"], p["weightDecay"], p["momentum"]
    growth, tan2 = p["growth"], p["tan2HalfTol"]
    w0 = np.array(p["w0"][: seeds * P], dtype=np.float64).reshape(seeds, P)
    w, v = w0.copy(), np.zeros_like(w0)
    e, ev = w0.copy(), p["bufferInit"] * w0
    elr = p["expLr0"]
    div = np.full(seeds, -1, dtype=np.int64)
    snap = (0, w0[:k].copy(), w0[:k].copy())

    start = time.perf_counter()
    for t in range(steps):
        # Weight-decay run: v ← γv + (∇L(w) + λw);  w ← w − ηv.
        v = mom * v + (gradient(w) + lam * w)
        w = w - lr * v
        # Exponential run: ṽ ← γṽ + ∇L(w̃);  w̃ ← w̃ − η̃ṽ;  η̃ ← η̃·growth.
        ev = mom * ev + gradient(e)
        e = e - elr * ev
        elr = elr * growth
        # Drift: δ > tol ⇔ |â − b̂|² > tan²(tol/2)·|â + b̂|² (vectorGap.ts).
        ua = w * (1.0 / np.sqrt((w * w).sum(axis=1, keepdims=True)))
        ub = e * (1.0 / np.sqrt((e * e).sum(axis=1, keepdims=True)))
        d2 = ((ua - ub) ** 2).sum(axis=1)
        s2 = ((ua + ub) ** 2).sum(axis=1)
        bad = ~(s2 > 0) | ~(d2 <= tan2 * s2)
        div[bad & (div < 0)] = t + 1
        if t + 1 == check_step:
            snap = (t + 1, w[:k].copy(), e[:k].copy())
    seconds = time.perf_counter() - start
    return seconds, w, e, div, snap


def main():
    if len(sys.argv) < 2:
        raise SystemExit("usage: model_numpy_peer.py INPUT [--seeds M] [--steps T]")
    for args in jobs(sys.argv[1:]):
        run_job(args)


def run_job(args):
    p = read_input(args[0])
    seeds = min(int(arg(args, "--seeds", p["seeds"])), p["seeds"])
    steps = int(arg(args, "--steps", p["steps"]))
    run(p, seeds, min(steps, 3))  # warm-up: first-call allocations, BLAS thread start
    seconds, w, e, div, (step, sw, se) = run(p, seeds, steps)
    out = {
        "seconds": seconds,
        "seedSteps": seeds * steps,
        "seeds": seeds,
        "steps": steps,
        "checksum": float(np.sum(w)),
        "diverged": int(np.sum(div >= 0)),
        "step": step,
        "wd": [float(c) for c in sw.ravel()],
        "ex": [float(c) for c in se.ravel()],
        "divergenceStep": [int(s) for s in div[: len(sw)]],
        "threads": os.cpu_count(),
        "version": f"numpy {np.__version__}",
    }
    print(json.dumps(out), flush=True)


if __name__ == "__main__":
    main()
