"""PyTorch float64 reference trajectories for the batch-normalised models (src/core/model/).

An independent check of the CPU reference integrator, written the way a PyTorch user would write it:

  (a) the weight-decay run: nn.Linear(d, m, bias=False) -> nn.BatchNorm1d(m, affine=False, eps) in training
      mode (batch mean, biased variance) [-> ReLU -> fixed readout a for bnMlp], logistic loss
      mean(log(1 + exp(-y*out))), full batch, torch.optim.SGD(lr, momentum, weight_decay, dampening=0)
      with torch.optim.lr_scheduler.MultiStepLR(milestones, lr_decay) for step decay;
  (b) its exponential twin (docs/math.md §2-§3, docs/derivations.md): the same SGD without weight decay,
      learning rate eta~_t = eta_I / (c_t c_{t+1}) set by torch.optim.lr_scheduler.LambdaLR, where
      c_0 = 1, c_{t+1} = alpha_I c_t and alpha_I is the larger root of x^2 - (1 + gamma - eta_I lambda) x + gamma
      (constant lr: eta~_t = eta alpha^-(2t+1)). With momentum the twin's buffer starts at
      v~_0 = (1 - 1/alpha_0) w_0 / eta_0, pre-set through optimizer.state[p]['momentum_buffer'] (PyTorch's
      first step then computes buf = gamma buf + g instead of buf = g), and at each milestone T it moves onto
      the new phase's change of variables: buf += c_T^2 (qhat_{I-1} - qhat_I) w~_T, qhat = (1 - alpha)/(alpha eta).

The constants alpha_I, c_t and eta~_t are computed in 50-digit decimal arithmetic, then rounded once to float64.
Per trajectory the output holds, for t = 0..steps, the weight-decay weights w_t, the twin projected back
(c_t w~_t, equal to w_t in exact arithmetic), the angle between them, 2 atan2(|a^ - b^|, |a^ + b^|), and the
split step: the first t with angle > tolerance (null if none).

Usage:  /usr/bin/python3 scripts/torch_reference.py [PROBLEM.json | -]     (stdin without an argument)

PROBLEM.json is one problem or {"problems": [problem, ...]} (one interpreter for a whole batch); a problem:
  {"id": "any label", "model": "bnLogistic" | "bnMlp",
   "x": [[...d numbers...] x n], "y": [+-1 x n], "eps": 0, "hidden": m, "readout": [m numbers],
   "inits": [[...m*d numbers, unit after unit: w[j*d + k] = W[j, k]...], ...],
   "lr": 0.2, "weight_decay": 0.05, "momentum": 0.5, "milestones": [], "lr_decay": 1,
   "steps": 300, "tolerance": 1e-3,
   "twin_buffer": "preset" | "absent"}       ("absent": no pre-set buffer, a deliberately wrong twin)
Output (stdout): {"torch": version, "results": [{"id", "alphas", "trajectories":
  [{"wd": [[P numbers] x (steps+1)], "proj": [...same...], "angle": [steps+1 numbers], "split_step": t|null}]}]}
"""

import json
import math
import sys
from decimal import Decimal, getcontext

import torch
from torch import nn
from torch.nn import functional as F

getcontext().prec = 50
torch.set_default_dtype(torch.float64)
torch.set_num_threads(1)


class BnModel(nn.Module):
    def __init__(self, kind, d, hidden, eps, readout):
        super().__init__()
        self.kind = kind
        self.linear = nn.Linear(d, hidden, bias=False)
        self.bn = nn.BatchNorm1d(hidden, affine=False, eps=eps, track_running_stats=False)
        self.register_buffer("readout", torch.tensor(readout, dtype=torch.float64))

    def forward(self, x):
        h = self.bn(self.linear(x))
        if self.kind == "bnLogistic":
            return h[:, 0]
        return F.relu(h) @ self.readout


def logistic_loss(out, y):
    # log(1 + exp(-m)) = -logsigmoid(m): stable, and no softplus threshold (which would cut the gradient).
    return -F.logsigmoid(y * out).mean()


def alpha_root(lr, weight_decay, momentum):
    eta, lam, gamma = Decimal(lr), Decimal(weight_decay), Decimal(momentum)
    b = 1 + gamma - eta * lam
    disc = b * b - 4 * gamma
    if disc < 0:
        raise ValueError(f"no real alpha for lr={lr}, weight_decay={weight_decay}, momentum={momentum}")
    alpha = (b + disc.sqrt()) / 2
    if alpha <= 0:
        raise ValueError(f"alpha <= 0 for lr={lr}, weight_decay={weight_decay}, momentum={momentum}")
    return alpha


class Schedule:
    """Phases, alpha_I, c_t and eta~_t of a problem, in decimal."""

    def __init__(self, p):
        self.milestones = list(p.get("milestones", []))
        decay = Decimal(p.get("lr_decay", 1))
        # The weight-decay run's learning rates as MultiStepLR makes them: eta_I = eta_{I-1} * decay, in float64.
        lrs = [float(p["lr"])]
        for _ in self.milestones:
            lrs.append(lrs[-1] * float(decay))
        self.lrs = [Decimal(v) for v in lrs]
        self.alphas = [alpha_root(v, p["weight_decay"], p["momentum"]) for v in lrs]
        self.qhat = [(1 - a) / (a * eta) for a, eta in zip(self.alphas, self.lrs)]
        steps = p["steps"]
        self.phase = [self.phase_at(t) for t in range(steps + 1)]
        self.c = [Decimal(1)]
        for t in range(steps):
            self.c.append(self.c[-1] * self.alphas[self.phase[t]])
        self.exp_lr = [self.lrs[self.phase[t]] / (self.c[t] * self.c[t + 1]) for t in range(steps)]

    def phase_at(self, t):
        return sum(1 for m in self.milestones if m <= t)


def angle(a, b):
    ua = a / a.norm()
    ub = b / b.norm()
    return 2 * math.atan2(float((ua - ub).norm()), float((ua + ub).norm()))


def run_problem(p):
    kind = p["model"]
    x = torch.tensor(p["x"])
    y = torch.tensor(p["y"])
    n, d = x.shape
    hidden = int(p.get("hidden", 1)) if kind == "bnMlp" else 1
    readout = p.get("readout") or [1.0] * hidden
    eps = float(p.get("eps", 0))
    lr, wdecay, gamma = float(p["lr"]), float(p["weight_decay"]), float(p["momentum"])
    steps = int(p["steps"])
    tol = float(p.get("tolerance", 1e-3))
    preset = p.get("twin_buffer", "preset") == "preset"
    sch = Schedule(p)
    c_float = [float(c) for c in sch.c]
    model = BnModel(kind, d, hidden, eps, readout)
    model.train()
    weight = model.linear.weight
    trajectories = []
    for w0 in p["inits"]:
        w0 = torch.tensor(w0).reshape(hidden, d)

        # (a) the weight-decay run.
        with torch.no_grad():
            weight.copy_(w0)
        opt = torch.optim.SGD([weight], lr=lr, momentum=gamma, weight_decay=wdecay, dampening=0, foreach=False)
        sched = torch.optim.lr_scheduler.MultiStepLR(opt, sch.milestones, float(p.get("lr_decay", 1)))
        wd = [weight.detach().clone()]
        for _ in range(steps):
            opt.zero_grad()
            logistic_loss(model(x), y).backward()
            opt.step()
            sched.step()
            wd.append(weight.detach().clone())

        # (b) the exponential twin: no weight decay, eta~_t by LambdaLR on the base rate eta_0.
        with torch.no_grad():
            weight.copy_(w0)
        base = sch.lrs[0]
        factors = [float(r / base) for r in sch.exp_lr]
        opt = torch.optim.SGD([weight], lr=lr, momentum=gamma, weight_decay=0, dampening=0, foreach=False)
        sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda t: factors[t] if t < steps else 0.0)
        if gamma != 0 and preset:
            v0 = float((1 - 1 / sch.alphas[0]) / sch.lrs[0])
            opt.state[weight]["momentum_buffer"] = v0 * w0.clone()
        proj = [w0.clone()]
        for t in range(steps):
            opt.zero_grad()
            logistic_loss(model(x), y).backward()
            opt.step()
            sched.step()
            t1 = t + 1
            if gamma != 0 and preset and t1 < steps and sch.phase[t1] != sch.phase[t]:
                i = sch.phase[t1]
                kappa = float(sch.c[t1] ** 2 * (sch.qhat[i - 1] - sch.qhat[i]))
                with torch.no_grad():
                    opt.state[weight]["momentum_buffer"].add_(weight, alpha=kappa)
            proj.append(c_float[t1] * weight.detach().clone())

        gaps = [angle(a, b) for a, b in zip(wd, proj)]
        split = next((t for t, g in enumerate(gaps) if not g <= tol), None)
        trajectories.append(
            {
                "wd": [w.reshape(-1).tolist() for w in wd],
                "proj": [w.reshape(-1).tolist() for w in proj],
                "angle": gaps,
                "split_step": split,
            }
        )
    return {"id": p.get("id"), "alphas": [float(a) for a in sch.alphas], "trajectories": trajectories}


def main(argv):
    if len(argv) > 1 and argv[1] != "-":
        with open(argv[1]) as f:
            doc = json.load(f)
    else:
        doc = json.load(sys.stdin)
    problems = doc["problems"] if "problems" in doc else [doc]
    out = {"torch": torch.__version__, "results": [run_problem(p) for p in problems]}
    json.dump(out, sys.stdout, allow_nan=True)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main(sys.argv)
