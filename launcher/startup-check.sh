#!/usr/bin/env bash
# What the launcher's class-data-sharing archive saves: `./musc bench startup` and a small real run
# (the brick fixture, 18 images, the tiny DINOv2 fixture model), with the archive (MUSC_CDS=1) and
# without (MUSC_CDS=0), in alternation so that a busy machine slows both alike. Wall times in ms.
#   launcher/startup-check.sh [rounds=3]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
rounds="${1:-3}"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
now_ms() { date +%s%3N; }
# the first runs after a build write the archives
MUSC_CDS=1 "$root/musc" bench startup >/dev/null 2>&1
MUSC_CDS=1 "$root/musc" run --data "$root/testdata/parity/data" --format mvtec --category brick \
  --model "$root/testdata/parity/models/dinov2-tiny" --out "$out/warm" >/dev/null 2>&1
i=0
while [ "$i" -lt "$rounds" ]; do
  i=$((i + 1))
  for cds in 0 1; do
    line="$(MUSC_CDS="$cds" "$root/musc" bench startup 2>/dev/null | grep 'JVM start')"
    t0="$(now_ms)"
    MUSC_CDS="$cds" "$root/musc" run --data "$root/testdata/parity/data" --format mvtec --category brick \
      --model "$root/testdata/parity/models/dinov2-tiny" --out "$out/run$i$cds" >/dev/null 2>&1
    t1="$(now_ms)"
    echo "round $i MUSC_CDS=$cds: small run $((t1 - t0)) ms wall; $line"
  done
done
