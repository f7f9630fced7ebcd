#!/usr/bin/env bash
# On the GPU machine, from the repository root: runs `bench gpu-check` through the bundle that
# deploy/gpu-kit/prepare.sh assembled in deploy/gpu-kit/bundle (a small Java runtime, DJL's JNI sources
# built against the machine's pip PyTorch, musc4j's jars). Options are gpu-check's (default: --device
# gpu, the paper's shape). The log is $OUT/gpu_run.log; a JNI library built here is copied to $OUT too:
# put it in deploy/gpu-kit/cache/ before the next prepare.sh and the next run skips the compile.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
if [ ! -f "$here/bundle/gpu_run.sh" ] || [ ! -f "$here/bundle/jre.tgz" ]; then
  echo "run_gpu_check: deploy/gpu-kit/bundle is missing or incomplete: run deploy/gpu-kit/prepare.sh and copy the bundle along" >&2
  exit 2
fi
exec bash "$here/bundle/gpu_run.sh" "$@"
