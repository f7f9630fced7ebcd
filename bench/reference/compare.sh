#!/usr/bin/env bash
# The end-to-end ratio of issue 11: the official MuSc implementation's whole process, then musc4j's
# whole `./musc run` process, one after the other on the same data and backbone; prints both wall
# times, the ratio, and max |Δscore| before and after RsCIN (fails above 1e-4).
#   bench/reference/compare.sh DATA MODEL
# Environment: MUSC_REF (checkout of github.com/xrli-U/MuSc, default /tmp/musc-ref), LAYERS
# (default 2,5,8,11), IMAGE_SIZE (224), THREADS (2), OUT (default a new folder under /tmp), TOL (1e-4).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"

if [ $# -ne 2 ]; then
  echo "usage: $0 DATA MODEL   (DATA: MVTec layout, MODEL: HF Dinov2Model folder)" >&2
  exit 2
fi
data="$(cd "$1" && pwd)"
model="$(cd "$2" && pwd)"
ref="${MUSC_REF:-/tmp/musc-ref}"
layers="${LAYERS:-2,5,8,11}"
size="${IMAGE_SIZE:-224}"
threads="${THREADS:-2}"
tol="${TOL:-1e-4}"
out="${OUT:-$(mktemp -d /tmp/musc-compare.XXXXXX)}"
mkdir -p "$out"
if [ ! -f "$ref/models/musc.py" ]; then
  echo "compare.sh: $ref is not a MuSc checkout; set MUSC_REF (see bench/reference/README.md)" >&2
  exit 2
fi

# Both processes get the same cores: libtorch in musc4j uses every core it sees, the reference sets
# torch.set_num_threads(THREADS).
pin=()
if [ "$(nproc)" -gt "$threads" ]; then
  pin=(taskset -c "0-$((threads - 1))")
  echo "pinning both runs to cores 0-$((threads - 1)) of $(nproc)"
fi

# Build musc4j now so the build is not part of its timed run.
"$root/musc" run --help >/dev/null

wall() {  # the "Elapsed (wall clock)" line of /usr/bin/time -v, in seconds
  awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; print s }' "$1"
}
rss() {
  awk -F': ' '/Maximum resident set size/ { printf "%.2f GB", $2 / 1048576 }' "$1"
}

echo "reference: $ref ($(git -C "$ref" rev-parse --short HEAD 2>/dev/null || echo 'not a git checkout'))"
echo "output:    $out"
echo "running the reference..."
CUDA_VISIBLE_DEVICES='' /usr/bin/time -v -o "$out/reference.time" ${pin[@]+"${pin[@]}"} /usr/bin/python3 \
  "$here/run_reference.py" --ref "$ref" --data "$data" --model "$model" --image-size "$size" \
  --layers "$layers" --threads "$threads" --out "$out/reference" >"$out/reference.log" 2>&1 \
  || { tail -n 20 "$out/reference.log" >&2; echo "compare.sh: the reference failed (log: $out/reference.log)" >&2; exit 1; }
echo "running musc4j..."
/usr/bin/time -v -o "$out/musc4j.time" ${pin[@]+"${pin[@]}"} "$root/musc" run --data "$data" --format mvtec \
  --model "$model" --image-size "$size" --layers "$layers" --device cpu --out "$out/musc4j" \
  >"$out/musc4j.log" 2>&1 \
  || { tail -n 20 "$out/musc4j.log" >&2; echo "compare.sh: musc4j failed (log: $out/musc4j.log)" >&2; exit 1; }

ref_s="$(wall "$out/reference.time")"
ours_s="$(wall "$out/musc4j.time")"
echo
printf 'reference wall %8.2f s  (max RSS %s; script start to end %s s)\n' "$ref_s" "$(rss "$out/reference.time")" \
  "$(/usr/bin/python3 -c 'import json,sys; print(round(json.load(open(sys.argv[1]))["wall_s"], 2))' "$out/reference/reference_time.json")"
printf 'musc4j    wall %8.2f s  (max RSS %s)\n' "$ours_s" "$(rss "$out/musc4j.time")"
awk -v r="$ref_s" -v m="$ours_s" 'BEGIN { printf "ratio     %8.2fx (reference / musc4j)\n", r / m }'

status=0
for csv in "$out"/reference/*/scores.csv; do
  cat="$(basename "$(dirname "$csv")")"
  echo "$cat:"
  /usr/bin/python3 "$here/compare_scores.py" "$csv" "$out/musc4j/$cat/scores.csv" "$tol" || status=1
  # whether RsCIN's neighbour choice is decided by the features or by float32 rounding (see README)
  /usr/bin/python3 "$here/rscin_conditioning.py" "$(dirname "$csv")/image_features.npy" 1,2,3
done
exit $status
