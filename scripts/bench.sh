#!/usr/bin/env bash
# `npm run bench`: the throughput benchmark (src/bench/main.ts). Makes sure the NumPy peer has an
# interpreter with numpy (Debian's python3-numpy is for /usr/bin/python3; a pyenv python3 on PATH may lack
# it), then runs the TypeScript sources through tsx. Arguments go to the benchmark (--help lists them).
set -euo pipefail
cd "$(dirname "$0")/.."

has_numpy() {
  local py
  for py in ${BENCH_PYTHON:-} python3 /usr/bin/python3 python; do
    if command -v "$py" >/dev/null 2>&1 && "$py" -c 'import numpy' >/dev/null 2>&1; then
      return 0
    fi
  done
  return 1
}

if ! has_numpy; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "bench: no python with numpy; installing python3-numpy (apt-get) ..." >&2
    apt-get install -y python3-numpy >/dev/null 2>&1 ||
      { apt-get update >/dev/null 2>&1 && apt-get install -y python3-numpy >/dev/null 2>&1; } ||
      echo "bench: apt-get install python3-numpy failed; the NumPy row will be skipped" >&2
  else
    echo "bench: no python with numpy; install it (as root: apt-get install -y python3-numpy," \
      "or pip install numpy) — the NumPy row will be skipped" >&2
  fi
fi

if ! command -v cc >/dev/null 2>&1; then
  echo "bench: no C compiler (cc); the C row will be skipped (apt-get install -y gcc)" >&2
fi

if [ -z "${VK_ICD_FILENAMES:-}" ] && [ -f /usr/lib/chromium/vk_swiftshader_icd.json ]; then
  export VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json
fi

exec node --import ./bin/register.mjs src/bench/main.ts "$@"
