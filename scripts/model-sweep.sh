#!/usr/bin/env bash
# `npm run model-sweep`: issue 16's model drift sweep (src/bench/modelSweepMain.ts), on the CPU.
set -euo pipefail
cd "$(dirname "$0")/.."
exec node --import ./bin/register.mjs src/bench/modelSweepMain.ts "$@"
