#!/usr/bin/env bash
# The runtime decision of docs/runtimes.md: musc4j on DJL 0.36.0 / PyTorch 2.7.1 (the build's default)
# against DJL 0.33.0 / PyTorch 2.5.1 (the previous pair), on the perf bar's work. Both are built once,
# each in its own copy of this working tree (two class paths, two launcher builds); then, N rounds, each
# version runs the whole `./musc run` of bench/reference/compare.sh (ViT-B/14 DINOv2 with random weights,
# IMAGES images at 224², layers 2,5,8,11, --device cpu) and `./musc bench speed --images IMAGES`, the
# order of the two versions alternating from round to round (old,new then new,old) so that a drift of
# the machine weighs on both alike. Prints the per-run figures, then the median of each stage per
# version and their ratio, and checks that both versions give the same scores (max |Δ| <= TOL; exit 1
# otherwise).
#   bench/reference/runtime-compare.sh [N]         (default N=5)
# Environment: WORK (default /tmp/musc-runtimes; the copies, the data, the model, the outputs),
# OLD / NEW (Maven arguments of each build; default "-Ddjl.version=0.33.0 -Dpytorch.version=2.5.1" and
# none), IMAGES (40), LAYERS (2,5,8,11), IMAGE_SIZE (224), TOL (1e-4), THREADS (unset: every core;
# set: both versions pinned with taskset to cores 0..THREADS-1).
# Timings mean something only on an otherwise idle machine.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
rounds="${1:-5}"
work="${WORK:-/tmp/musc-runtimes}"
old_args="${OLD--Ddjl.version=0.33.0 -Dpytorch.version=2.5.1}"
new_args="${NEW:-}"
images="${IMAGES:-40}"
layers="${LAYERS:-2,5,8,11}"
size="${IMAGE_SIZE:-224}"
tol="${TOL:-1e-4}"
case "$rounds" in ''|*[!0-9]*|0) echo "usage: $0 [N>=1]" >&2; exit 2 ;; esac

pin=()
if [ -n "${THREADS:-}" ]; then
  pin=(taskset -c "0-$((THREADS - 1))")
fi

# Each version's launcher, in its own copy: MUSC_MAVEN_ARGS must be the same on every call, or the
# launcher would rebuild with other arguments.
args_of() {  # args_of old|new: that build's Maven arguments
  if [ "$1" = new ]; then echo "$new_args"; else echo "$old_args"; fi
}
musc() {  # musc old|new ARGS...
  local version="$1"
  shift
  MUSC_MAVEN_ARGS="$(args_of "$version")" ${pin[@]+"${pin[@]}"} "$work/$version/musc" "$@"
}

echo "machine: $(lscpu 2>/dev/null | sed -n 's/^Model name:[[:space:]]*//p' | head -n 1), $(nproc) CPU(s)," \
  "load $(cut -d ' ' -f 1-3 /proc/loadavg 2>/dev/null || echo unknown)${OMP_NUM_THREADS:+, OMP_NUM_THREADS=$OMP_NUM_THREADS}"
echo "work:    $work"
mkdir -p "$work"
# The working tree as it is (tracked files, uncommitted edits included; not the test data, which a
# build without tests does not read), copied afresh so that both versions build the same sources.
for version in old new; do
  rm -rf "${work:?}/$version"
  mkdir -p "$work/$version"
  (cd "$root" && git ls-files -z | grep -zv '^testdata/' | tar --null -T - --ignore-failed-read -cf -) \
    | tar -xf - -C "$work/$version"
done
for version in old new; do
  echo "building $version: MUSC_MAVEN_ARGS=\"$(args_of "$version")\""
  # `--version` builds, then prints the pair its class path holds
  musc "$version" --version
done

data="$work/data"
model="$work/dinov2-base"
[ -f "$model/model.safetensors" ] || musc new bench make-model --arch dinov2-base --out "$model" >/dev/null
[ -d "$data" ] || musc new bench make-data --out "$data" --images "$images" >/dev/null

results="$work/results.tsv"
: >"$results"
wall() {  # the "Elapsed (wall clock)" line of /usr/bin/time -v, in seconds
  awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; print s }' "$1"
}
one() {  # one VERSION ROUND: the whole run, then bench speed; appends to results.tsv
  local version="$1" round="$2" out="$work/out/$1-$2"
  rm -rf "$out" && mkdir -p "$out"
  /usr/bin/time -v -o "$out/run.time" env MUSC_MAVEN_ARGS="$(args_of "$version")" \
    ${pin[@]+"${pin[@]}"} "$work/$version/musc" run --data "$data" --format mvtec --model "$model" --image-size "$size" \
    --layers "$layers" --device cpu --out "$out/run" >"$out/run.log" 2>&1 \
    || { tail -n 20 "$out/run.log" >&2; echo "runtime-compare: $version's run failed ($out/run.log)" >&2; exit 1; }
  printf '%s\t%s\trun wall (s)\t%s\n' "$version" "$round" "$(wall "$out/run.time")" >>"$results"
  musc "$version" bench speed --images "$images" >"$out/speed.log" 2>&1 \
    || { tail -n 20 "$out/speed.log" >&2; echo "runtime-compare: $version's bench speed failed ($out/speed.log)" >&2; exit 1; }
  # the stage table: from the "stage ms/image ..." header to the "total" line, ms per image
  awk -v v="$version" -v r="$round" '
    $1 == "stage" && $2 == "ms/image" { on = 1; next }
    on && $2 ~ /^[0-9.]+$/ { printf "%s\t%s\tbench speed %s\t%s\n", v, r, $1, $2 }
    on && $1 == "total" { on = 0 }
  ' "$out/speed.log" >>"$results"
  echo "  round $round $version: run $(wall "$out/run.time") s; speed $(awk '$1 == "total" { print $2 " ms/image" }' "$out/speed.log")"
}

round=1
while [ "$round" -le "$rounds" ]; do
  if [ $((round % 2)) = 1 ]; then order="old new"; else order="new old"; fi
  for version in $order; do
    one "$version" "$round"
  done
  round=$((round + 1))
done

/usr/bin/python3 - "$results" <<'EOF'
import collections, statistics, sys
runs = collections.defaultdict(lambda: collections.defaultdict(list))
order = []
for line in open(sys.argv[1]):
    version, _, metric, value = line.rstrip("\n").split("\t")
    if metric not in order:
        order.append(metric)
    runs[metric][version].append(float(value))
n = max(len(v) for m in runs.values() for v in m.values())
print(f"\nmedians of {n} run(s) per version (bench speed stages in ms/image; new/old < 1: the new pair is faster)")
print(f"{'stage':<26} {'old 0.33/2.5.1':>15} {'new 0.36/2.7.1':>15} {'new/old':>8}")
for metric in order:
    old, new = runs[metric].get("old", []), runs[metric].get("new", [])
    if not old or not new:
        continue
    mo, mn = statistics.median(old), statistics.median(new)
    ratio = f"{mn / mo:8.3f}" if mo > 0 else "       -"
    print(f"{metric:<26} {mo:15.2f} {mn:15.2f} {ratio}")
EOF

# Same scores from both pairs on the perf work (round 1's outputs, every category): the same images in
# the same order, and max |Δ| of each score column both scores.csv have
/usr/bin/python3 - "$work/out/old-1/run" "$work/out/new-1/run" "$tol" <<'EOF'
import csv, glob, os, sys
old_root, new_root, tol = sys.argv[1], sys.argv[2], float(sys.argv[3])
status = 0
for old_csv in sorted(glob.glob(os.path.join(old_root, "*", "scores.csv"))):
    cat = os.path.basename(os.path.dirname(old_csv))
    rows = [list(csv.DictReader(open(p, newline=""))) for p in (old_csv, os.path.join(new_root, cat, "scores.csv"))]
    if [r["image"] for r in rows[0]] != [r["image"] for r in rows[1]]:
        print(f"scores, {cat}: the two pairs list different images")
        status = 1
        continue
    for col in ("score", "map_max", "score_rscin"):
        if col in rows[0][0] and col in rows[1][0]:
            d = max(abs(float(a[col]) - float(b[col])) for a, b in zip(*rows))
            print(f"scores, {cat}: max |Δ {col}| old vs new = {d:.3e} over {len(rows[0])} images"
                  f" ({'OK' if d <= tol else 'ABOVE'} {tol:g})")
            status |= d > tol
sys.exit(status)
EOF
