#!/usr/bin/env bash
# Whether the MKL shim takes effect here: `./musc bench gemm` with the shim turned off and on, in
# alternation (so that a busy machine slows both alike), with MKL_VERBOSE's banner and the GEMM rates.
#   launcher/mkl-check.sh [rounds=3]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
rounds="${1:-3}"
i=0
while [ "$i" -lt "$rounds" ]; do
  i=$((i + 1))
  for shim in 0 1; do
    echo "== round $i, MUSC_MKL_SHIM=$shim"
    MUSC_MKL_SHIM="$shim" MKL_VERBOSE=1 "$root/musc" bench gemm 2>&1 | grep -E 'oneMKL|GFLOP|remedy' | sort -u
  done
done
