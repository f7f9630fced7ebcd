#!/usr/bin/env bash
# Assembles deploy/gpu-kit/bundle/, what is copied to a GPU machine that has a pip PyTorch but no JDK
# and no network (see deploy/gpu-kit/README.md), checks that the repository's tracked files and the
# bundle stay under the size limit, and runs the check on this CPU through the same small Java runtime
# against DJL's extracted CPU libtorch.
#
# usage: deploy/gpu-kit/prepare.sh [--no-cpu-test]
#   GPU_KIT          the gpu-kit sources (default: shared/gpu-kit beside the repository or beside its parent)
#   JDK              a JDK home with jlink (default: the one on PATH)
#   CARRY_LIMIT_MIB  the most the repository's tracked files plus the bundle may take (default 64)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
kit=$here/bundle
src=${GPU_KIT:-}
for c in "$src" "$root/../shared/gpu-kit" "$root/../../shared/gpu-kit"; do
  [ -n "$c" ] && [ -f "$c/gpu_run.sh" ] && { src=$(cd "$c" && pwd); break; }
done
[ -f "$src/gpu_run.sh" ] || { echo "prepare: no gpu-kit found (set GPU_KIT=...)" >&2; exit 2; }
limit=$((${CARRY_LIMIT_MIB:-64} << 20))

echo "prepare: building musc4j's jars (bench and the modules under it)"
# bench's class path is written in the same session as the jars: alone, the goal would look for
# musc4j's own modules in the local repository, where nothing is installed
cpfile=$(mktemp)
trap 'rm -f "$cpfile"' EXIT
(cd "$root" && mvn -B -q -o -DskipTests package dependency:build-classpath -Dmdep.outputFile="$cpfile" -pl bench -am) \
  || (cd "$root" && mvn -B -q -DskipTests package dependency:build-classpath -Dmdep.outputFile="$cpfile" -pl bench -am)

rm -rf "$kit"
cp -r "$src" "$kit"
chmod -R u+w "$kit"
rm -rf "$kit/out" "$kit/jre" "$kit/jnalib" "$kit/obj" "$kit/jre.tgz"
mkdir -p "$kit/app" "$kit/cache"
for m in common models engine batch datasets bench; do
  cp "$root/$m/target/musc4j-$m-"*.jar "$kit/app/"
done
classpath=$(tr ':' '\n' <"$cpfile")
dep() { echo "$classpath" | grep "/$1-[0-9][^/]*\.jar$" | head -1; }
# the one library musc4j's bench needs beyond the kit's DJL jars: the command-line parser
picocli=$(dep picocli)
[ -f "$picocli" ] || { echo "prepare: picocli jar not found in the local Maven repository" >&2; exit 2; }
cp "$picocli" "$kit/app/"
# The kit's DJL jars and JNI sources become those of the DJL version musc4j builds with: the JNI library
# must define every native method of that pytorch-engine (djl-jni-<version>.patch beside this script
# adds what the kit's sources lack).
djl=$(basename "$(dep pytorch-engine)" .jar); djl=${djl#pytorch-engine-}
kitdjl=$(basename "$(ls "$kit"/lib/pytorch-engine-*.jar)" .jar); kitdjl=${kitdjl#pytorch-engine-}
if [ "$djl" != "$kitdjl" ]; then
  [ -f "$here/djl-jni-$djl.patch" ] \
    || { echo "prepare: the kit holds DJL $kitdjl's JNI sources and no deploy/gpu-kit/djl-jni-$djl.patch brings them to $djl" >&2; exit 2; }
  patch -s -d "$kit" -p1 <"$here/djl-jni-$djl.patch"
  for a in api pytorch-engine jna gson commons-compress; do
    rm -f "$kit"/lib/"$a"-[0-9]*.jar
    cp "$(dep "$a")" "$kit/lib/"
  done
  sed -i "s/$kitdjl-libdjl_torch\.so/$djl-libdjl_torch.so/g" "$kit/gpu_run.sh"
  echo "prepare: the kit's DJL $kitdjl jars and JNI sources moved to DJL $djl"
fi
# a JNI library built on an earlier GPU run (gpu_run.sh leaves it in $OUT): the next run skips the compile
so=$(find "$here/cache" -maxdepth 1 -name "$djl-libdjl_torch.so" 2>/dev/null | head -1 || true)
if [ -n "$so" ]; then
  ver=${GPU_TORCH_VERSION:-2.11.0}
  mkdir -p "$kit/cache/pytorch/$ver-cu130-linux-x86_64"
  cp "$so" "$kit/cache/pytorch/$ver-cu130-linux-x86_64/$djl-libdjl_torch.so"
  echo "prepare: using the prebuilt $so for torch $ver"
fi

# The runtime's modules: the kit's (what DJL needs) and what jdeps finds in musc4j's jars, less
# java.desktop, which only ImageDecoder.javaImageIo (decoding image files) uses: gpu-check decodes no
# file, the CPU test below runs without it, and it would add 13 MB, more than the size limit leaves room for.
mods=$(jdeps --print-module-deps --ignore-missing-deps --multi-release 17 "$kit"/app/*.jar | tail -1)
mods=$(echo "java.base,java.logging,java.management,jdk.unsupported,$mods" | tr ',' '\n' | grep -v '^java.desktop$' \
  | sort -u | paste -sd, -)
"$kit/make_jre.sh" "$mods"

# Replace the kit's placeholder last line with gpu-check: float32 without TF32 (cuDNN would otherwise
# run the patch-embedding convolution in TF32, about 1e-3 off the CPU), and the Java arguments passed on.
sed -i '/^# then the real engine path/d' "$kit/gpu_run.sh"
cat >>"$kit/gpu_run.sh" <<'EOF'
export NVIDIA_TF32_OVERRIDE=${NVIDIA_TF32_OVERRIDE:-0} THP_MEM_ALLOC_ENABLE=1
J="$K/jre/bin/java --enable-native-access=ALL-UNNAMED -Djna.library.path=$K/jnalib -Dai.djl.offline=true -Dmusc.verbose=true"
timeout "${GPU_CHECK_TIMEOUT:-540}" $J -cp "$K/app/*:$K/lib/*" io.musc4j.bench.BenchMain gpu-check "$@"
EOF

tracked=$(cd "$root" && git ls-files -z | xargs -0 du -cb 2>/dev/null | tail -1 | cut -f1)
carried=$(du -sb "$kit" | cut -f1)
total=$((tracked + carried))
printf 'prepare: tracked files %.1f MiB + bundle %.1f MiB = %.1f MiB of the %d MiB limit\n' \
  "$(echo "$tracked / 1048576" | bc -l)" "$(echo "$carried / 1048576" | bc -l)" "$(echo "$total / 1048576" | bc -l)" \
  "${CARRY_LIMIT_MIB:-64}"
[ "$total" -lt "$limit" ] || { echo "prepare: larger than the limit" >&2; exit 3; }

if [ "${1:-}" != "--no-cpu-test" ]; then
  # DJL's own extracted CPU libtorch (and its JNI library beside it), as gpu_run.sh points DJL at the pip one
  pytorch=$(basename "$(dep pytorch-native-cpu)" .jar); pytorch=${pytorch#pytorch-native-cpu-}; pytorch=${pytorch%%-*}
  lt=$(find "$HOME/.djl.ai/pytorch" -maxdepth 1 -type d -name "$pytorch-*cpu-linux-x86_64" 2>/dev/null | head -1 || true)
  [ -n "$lt" ] || { echo "prepare: no extracted CPU libtorch under ~/.djl.ai (run any musc4j test once)" >&2; exit 2; }
  test=$here/cpu-test
  rm -rf "$test" && mkdir -p "$test/jre"
  tar xzf "$kit/jre.tgz" -C "$test/jre" --strip-components=1
  echo "prepare: gpu-check --device cpu through the kit's runtime ($("$test/jre/bin/java" -version 2>&1 | head -1)) and $lt"
  (cd "$test" && PYTORCH_LIBRARY_PATH=$lt PYTORCH_VERSION=$(basename "$lt" | cut -d- -f1) PYTORCH_FLAVOR=cpu \
    DJL_OFFLINE=true OPT_OUT_TRACKING=true THP_MEM_ALLOC_ENABLE=1 OMP_NUM_THREADS=${OMP_NUM_THREADS:-1} \
    "$test/jre/bin/java" --enable-native-access=ALL-UNNAMED -Dai.djl.offline=true -cp "$kit/app/*:$kit/lib/*" \
    io.musc4j.bench.BenchMain gpu-check --device cpu) | tee "$test/gpu-check.log"
fi
echo "prepare: ready. On the GPU machine, from the repository root: bash deploy/gpu-kit/run_gpu_check.sh [gpu-check options]"
