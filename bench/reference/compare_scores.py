#!/usr/bin/python3
"""Compares two scores.csv files by their columns image,label,map_max,score (docs/thresholds.md: map_max is
the anomaly map's maximum before RsCIN, score the final score after it): same images in the same order, same
labels, and prints max |Δ| of both. Exit 1 when either exceeds the
tolerance or the images differ, 2 on unreadable input."""
import csv
import sys


def read(path):
    try:
        with open(path, newline="") as f:
            rows = list(csv.DictReader(f))
    except OSError as e:
        print(f"compare_scores: {path}: {e.strerror}", file=sys.stderr)
        sys.exit(2)
    # musc4j's scores.csv has more columns (threshold, ratio, rule, verdict); only these four are compared
    if not rows or not {"image", "label", "map_max", "score"} <= set(rows[0]):
        print(f"compare_scores: {path}: expected the columns image,label,map_max,score and rows", file=sys.stderr)
        sys.exit(2)
    return rows


def main():
    if len(sys.argv) not in (3, 4):
        print("usage: compare_scores.py REFERENCE.csv MUSC4J.csv [TOLERANCE]", file=sys.stderr)
        sys.exit(2)
    ref, ours = read(sys.argv[1]), read(sys.argv[2])
    tol = float(sys.argv[3]) if len(sys.argv) == 4 else 1e-4
    ref_images, our_images = [r["image"] for r in ref], [r["image"] for r in ours]
    if ref_images != our_images:
        diff = next((i for i, (a, b) in enumerate(zip(ref_images, our_images)) if a != b), min(len(ref), len(ours)))
        print(f"images differ: {len(ref)} vs {len(ours)} rows, first difference at row {diff + 1}")
        sys.exit(1)
    labels = sum(r["label"] != o["label"] for r, o in zip(ref, ours))
    worst = {}
    for key in ("map_max", "score"):
        d = [abs(float(r[key]) - float(o[key])) for r, o in zip(ref, ours)]
        i = max(range(len(d)), key=d.__getitem__)
        worst[key] = d[i]
        print(f"max |Δ {key:<7}| = {d[i]:.3e}  (at {ref_images[i]}; {len(d)} images)")
    ok = labels == 0 and all(v <= tol for v in worst.values())
    if labels:
        print(f"{labels} labels differ")
    print(("OK" if ok else "FAIL") + f": tolerance {tol:g}")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
