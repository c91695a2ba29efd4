#!/usr/bin/env bash
# The one test command (README quick start, and .ci/run): installs what the tests need, then type-checks,
# lints and runs every test project (unit, GPU on Dawn + SwiftShader, end-to-end in Chromium).
set -euo pipefail
cd "$(dirname "$0")/.."

# System packages: Debian's chromium brings SwiftShader (Vulkan on the CPU) for WebGPU without a GPU and the
# browser for end-to-end tests; numpy and a C compiler keep the benchmark's peers honest; torch runs the
# PyTorch reference of the batch-normalised models (tests/core/model/torch.test.ts); pyarrow reads
# `run --out run.arrow` back in the Arrow tests (Debian ships it from release 13 on; before that it comes
# from pip into a virtual environment, below).
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
/usr/bin/python3 -c 'import numpy' 2>/dev/null || missing+=(python3-numpy)
/usr/bin/python3 -c 'import torch' 2>/dev/null || missing+=(python3-torch)
/usr/bin/python3 -c 'import pyarrow' 2>/dev/null || .cache/pyarrow-venv/bin/python -c 'import pyarrow' 2>/dev/null ||
  missing+=(python3-pyarrow)
{ command -v ffprobe && command -v ffmpeg; } >/dev/null 2>&1 || missing+=(ffmpeg)
if ((${#missing[@]})); then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    apt-get update -qq
    # Leave out what this Debian release does not ship (python3-pyarrow before Debian 13).
    installable=()
    for p in "${missing[@]}"; do
      if [[ "$(apt-cache policy "$p" 2>/dev/null)" == *"Candidate: "[!\(]* ]]; then
        installable+=("$p")
      else
        echo "[test] $p is not in this Debian release (pyarrow comes from pip below)"
      fi
    done
    if ((${#installable[@]})); then
      echo "[test] installing Debian packages: ${installable[*]}"
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${installable[@]}" >/dev/null
    fi
  else
    echo "[test] missing Debian packages: ${missing[*]}"
    echo "[test] install them with: sudo apt-get install -y ${missing[*]}"
    echo "[test] (without chromium the GPU and end-to-end tests are skipped outside CI, and fail in CI)"
  fi
fi

echo "[test] npm ci"
npm ci --no-audit --no-fund --loglevel=error

# pyarrow for the Arrow read-back test: Debian's where the release ships it, else pip's (from the machine's
# configured package index) in .cache/pyarrow-venv. The test reads PYARROW_PYTHON and, in CI, fails without it.
if /usr/bin/python3 -c 'import pyarrow' 2>/dev/null; then
  export PYARROW_PYTHON=/usr/bin/python3
else
  venv=.cache/pyarrow-venv
  if ! "$venv/bin/python" -c 'import pyarrow' 2>/dev/null; then
    echo "[test] installing pyarrow with pip into $venv"
    { python3 -m venv "$venv" && "$venv/bin/pip" install -q pyarrow; } >/dev/null 2>&1 ||
      echo "[test] could not install pyarrow with pip; the pyarrow read-back will fail in CI and skip elsewhere"
  fi
  if "$venv/bin/python" -c 'import pyarrow' 2>/dev/null; then export PYARROW_PYTHON="$PWD/$venv/bin/python"; fi
fi

if [ -f /usr/lib/chromium/vk_swiftshader_icd.json ] && [ -z "${VK_ICD_FILENAMES:-}" ]; then
  export VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json
fi

echo "[test] type-check"
npx tsc --noEmit -p .
echo "[test] lint and format check"
npx biome ci .

echo "[test] vitest (unit, gpu, e2e)"
mkdir -p test-artifacts
status=0
npx vitest run --reporter=default --reporter=json --outputFile.json=test-artifacts/vitest.json || status=$?
node -e '
  const r = require("./test-artifacts/vitest.json");
  const skipped = r.numPendingTests + r.numTodoTests;
  console.log(`${r.numPassedTests} passed, ${r.numFailedTests} failed, ${skipped} skipped`);
' || true
exit "$status"
