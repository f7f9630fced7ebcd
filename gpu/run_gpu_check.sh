#!/usr/bin/env bash
# On the GPU machine, from the repository root: runs `bench gpu-check` through the kit that
# gpu/prepare.sh assembled in gpu/kit (a small Java runtime, DJL's JNI sources built against the
# machine's pip PyTorch, musc4j's jars). Options are gpu-check's (default: --device gpu, the paper's
# shape). The log is $OUT/gpu_run.log; a JNI library built here is copied to $OUT too: put it in
# gpu/cache/ before the next gpu/prepare.sh and the next run skips the compile.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
if [ ! -f "$root/gpu/kit/gpu_run.sh" ] || [ ! -f "$root/gpu/kit/jre.tgz" ]; then
  echo "run_gpu_check: gpu/kit is missing or incomplete: run gpu/prepare.sh here and carry gpu/kit" >&2
  exit 2
fi
exec bash "$root/gpu/kit/gpu_run.sh" "$@"
