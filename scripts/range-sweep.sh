#!/usr/bin/env bash
# `npm run range-sweep`: issue 12's range sweep (src/bench/rangeSweepMain.ts), 10^6 steps by default.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${VK_ICD_FILENAMES:-}" ] && [ -f /usr/lib/chromium/vk_swiftshader_icd.json ]; then
  export VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json
fi
exec node --import ./bin/register.mjs src/bench/rangeSweepMain.ts "$@"
