"""PyTorch CPU peer of the batch-normalised models for `npm run bench` (issue 16).

The algorithm of src/core/model/modelIntegrator.ts on the CPU in PyTorch, batched over seeds in one tensor:
the weights of all seeds as one tensor of shape [seeds, hidden, d], the data's matrix products as torch.bmm
against x expanded (not copied) over the seeds, the batch-norm on [seeds, hidden, n]. The gradient, by --grad:
  formula   bnGradient.ts's explicit batch-norm backward (the same formula as model_numpy_peer.py);
  autograd  PyTorch's autograd of Σ_seeds L_seed through the batched forward (the seeds share no weight,
            so ∂/∂w_seed of the sum is each seed's own gradient);
  vmap      functorch.vmap(functorch.grad(L)) of the per-seed loss (PyTorch 1.13 ships vmap as functorch;
            torch.func arrived in 2.0).
Both runs (weight decay, and the exponential twin with lr, growth, expLr0, bufferInit read from the input:
src/core/schedule.ts's toExponential), the first step past the drift tolerance per seed. --dtype float64 or
float32 (the input is rounded once into it). --threads N sets torch.set_num_threads (default: every core).

Usage:  /usr/bin/python3 model_torch_peer.py INPUT [--seeds M] [--steps T] [--dtype float64|float32]
            [--grad formula|autograd|vmap] [--threads N]
Prints one JSON line as model_numpy_peer.py does. Timing excludes startup, imports and input parsing.
Several runs in one process (the tests; the bench runs one per process): INPUT [options] --then INPUT ...
"""

import json
import os
import sys
import time

import torch


def arg(args, name, default):
    if name in args:
        return args[args.index(name) + 1]
    return default


def jobs(argv):
    """The command line's runs: INPUT [options], several separated by --then (one torch import for all)."""
    out, cur = [], []
    for a in argv:
        if a == "--then":
            out.append(cur)
            cur = []
        else:
            cur.append(a)
    out.append(cur)
    return out


def read_input(path):
    with open(path) as f:
        p = json.load(f)
    if p.get("format") != "scaleinv-model-bench-v1":
        raise SystemExit("model_torch_peer: bad input format")
    return p


def make_gradient(p, seeds, dtype, how):
    n, d, h = p["n"], p["d"], p["hidden"]
    x = torch.tensor(p["x"], dtype=dtype).reshape(n, d)
    y = torch.tensor(p["y"], dtype=dtype)
    a = torch.tensor(p["readout"], dtype=dtype).reshape(1, h, 1)
    inv_n = float(p["invN"])
    eps = float(p["eps"])
    mlp = p["kind"] == "bnMlp"
    xt_b = x.t().expand(seeds, d, n)  # stride 0 over seeds: no copy
    x_b = x.expand(seeds, n, d)
    neg_y_inv_n = -y * inv_n

    def forward(w):
        z = torch.bmm(w, xt_b)
        mean = z.sum(dim=-1, keepdim=True) * inv_n
        dev = z - mean
        var = (dev * dev).sum(dim=-1, keepdim=True) * inv_n
        if eps != 0:
            var = var + eps
        rs = torch.rsqrt(var)
        zh = dev * rs
        return zh, rs

    def output(zh):
        return (a * torch.relu(zh)).sum(dim=1) if mlp else zh[:, 0, :]

    def formula(w):
        zh, rs = forward(w.view(seeds, h, d))
        g = neg_y_inv_n / (1.0 + torch.exp(y * output(zh)))
        gh = a * g[:, None, :] * (zh > 0) if mlp else g[:, None, :]
        gbar = gh.sum(dim=-1, keepdim=True) * inv_n
        gzbar = (gh * zh).sum(dim=-1, keepdim=True) * inv_n
        dz = ((gh - gbar) - zh * gzbar) * rs
        return torch.bmm(dz, x_b).reshape(seeds, h * d)

    def autograd(w):
        w = w.detach().view(seeds, h, d).requires_grad_(True)
        zh, _ = forward(w)
        loss = torch.nn.functional.softplus(-y * output(zh)).sum() * inv_n
        (grad,) = torch.autograd.grad(loss, w)
        return grad.reshape(seeds, h * d)

    if how == "formula":
        return formula
    if how == "autograd":
        return autograd
    if how != "vmap":
        raise SystemExit(f"model_torch_peer: unknown --grad {how}")
    import functorch  # PyTorch 1.13: vmap and grad live here

    a1 = a.reshape(h, 1)

    def seed_loss(w):  # one seed's weights, [hidden·d]
        z = w.view(h, d) @ x.t()
        mean = z.sum(dim=-1, keepdim=True) * inv_n
        dev = z - mean
        var = (dev * dev).sum(dim=-1, keepdim=True) * inv_n + eps
        zh = dev * torch.rsqrt(var)
        out = (a1 * torch.relu(zh)).sum(dim=0) if mlp else zh[0]
        return torch.nn.functional.softplus(-y * out).sum() * inv_n

    return functorch.vmap(functorch.grad(seed_loss))


def run(p, seeds, steps, dtype, how):
    P = p["P"]
    k, check_step = min(p["checkSeeds"], seeds), p["checkStep"]
    gradient = make_gradient(p, seeds, dtype, how)
    lr, lam, mom = p["lr"], p["weightDecay"], p["momentum"]
    growth, tan2 = p["growth"], p["tan2HalfTol"]
    w0 = torch.tensor(p["w0"][: seeds * P], dtype=dtype).reshape(seeds, P)
    w, v = w0.clone(), torch.zeros_like(w0)
    e, ev = w0.clone(), p["bufferInit"] * w0
    elr = p["expLr0"]
    div = torch.full((seeds,), -1, dtype=torch.int64)
    snap = (0, w0[:k].clone(), w0[:k].clone())

    start = time.perf_counter()
    with torch.no_grad() if how == "formula" else torch.enable_grad():
        for t in range(steps):
            v = mom * v + (gradient(w) + lam * w)
            w = w - lr * v
            ev = mom * ev + gradient(e)
            e = e - elr * ev
            elr = elr * growth
            ua = w * torch.rsqrt((w * w).sum(dim=1, keepdim=True))
            ub = e * torch.rsqrt((e * e).sum(dim=1, keepdim=True))
            d2 = ((ua - ub) ** 2).sum(dim=1)
            s2 = ((ua + ub) ** 2).sum(dim=1)
            bad = ~(s2 > 0) | ~(d2 <= tan2 * s2)
            div[bad & (div < 0)] = t + 1
            if t + 1 == check_step:
                snap = (t + 1, w[:k].detach().clone(), e[:k].detach().clone())
    seconds = time.perf_counter() - start
    return seconds, w.detach(), e.detach(), div, snap


def main():
    if len(sys.argv) < 2:
        raise SystemExit("usage: model_torch_peer.py INPUT [--seeds M] [--steps T] [--dtype D] [--grad G]")
    for args in jobs(sys.argv[1:]):
        run_job(args)


def run_job(args):
    p = read_input(args[0])
    seeds = min(int(arg(args, "--seeds", p["seeds"])), p["seeds"])
    steps = int(arg(args, "--steps", p["steps"]))
    dtype = {"float64": torch.float64, "float32": torch.float32}[arg(args, "--dtype", "float64")]
    how = arg(args, "--grad", "formula")
    threads = int(arg(args, "--threads", os.cpu_count() or 1))
    torch.set_num_threads(threads)
    run(p, seeds, min(steps, 3), dtype, how)  # warm-up: allocator, thread pool, first dispatches
    seconds, w, e, div, (step, sw, se) = run(p, seeds, steps, dtype, how)
    out = {
        "seconds": seconds,
        "seedSteps": seeds * steps,
        "seeds": seeds,
        "steps": steps,
        "checksum": float(w.double().sum()),
        "diverged": int((div >= 0).sum()),
        "step": step,
        "wd": [float(c) for c in sw.reshape(-1)],
        "ex": [float(c) for c in se.reshape(-1)],
        "divergenceStep": [int(s) for s in div[: len(sw)]],
        "threads": torch.get_num_threads(),
        "version": f"torch {torch.__version__}",
    }
    print(json.dumps(out), flush=True)


if __name__ == "__main__":
    main()
