#!/usr/bin/env bash
# Re-runs the README's "Precision, range or chaos?" measurements: `scaleinv-lab study` on every preset at
# λ 0.05 and 0.1 (lr 0.1, a ring of 256 starts, 2000 steps, tolerance 1e-3) in f32 and df64 (GPU), f64, dd
# and mp (CPU; dd and mp on the first 24 starts, mp at 256 and 512 bits). Usage: scripts/study-presets.sh [out]
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-study-presets}"
if [ -z "${VK_ICD_FILENAMES:-}" ] && [ -f /usr/lib/chromium/vk_swiftshader_icd.json ]; then
  export VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json
fi
for preset in seed-wells single-well double-well rugged; do
  for lam in 0.05 0.1; do
    d="$out/$preset-$lam"
    mkdir -p "$d"
    cat >"$d/config.json" <<JSON
{ "loss": { "preset": "$preset" }, "optimizer": { "lr": 0.1, "weightDecay": $lam },
  "init": { "ring": { "count": 256, "radius": 1 } }, "steps": 2000, "driftTolerance": 0.001 }
JSON
    echo "== $preset, λ $lam" >&2
    node bin/scaleinv-lab.mjs study "$d/config.json" \
      --precisions f32,df64,f64,dd,mp --subset 24 --out "$d" | tee "$d/table.txt"
  done
done
