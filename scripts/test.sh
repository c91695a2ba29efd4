#!/usr/bin/env bash
# The one test command (README quick start, and .ci/run): installs what the tests need, then type-checks,
# lints and runs every test project (unit, GPU on Dawn + SwiftShader, end-to-end in Chromium).
set -euo pipefail
cd "$(dirname "$0")/.."

# System packages: Debian's chromium brings SwiftShader (Vulkan on the CPU) for WebGPU without a GPU and the
# browser for end-to-end tests; numpy and a C compiler keep the benchmark's peers honest.
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
/usr/bin/python3 -c 'import numpy' 2>/dev/null || missing+=(python3-numpy)
{ command -v ffprobe && command -v ffmpeg; } >/dev/null 2>&1 || missing+=(ffmpeg)
if ((${#missing[@]})); then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "[test] installing Debian packages: ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "[test] missing Debian packages: ${missing[*]}"
    echo "[test] install them with: sudo apt-get install -y ${missing[*]}"
    echo "[test] (without chromium the GPU and end-to-end tests are skipped outside CI, and fail in CI)"
  fi
fi

echo "[test] npm ci"
npm ci --no-audit --no-fund --loglevel=error

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
