#!/usr/bin/python3
"""How well the reference's RsCIN inputs determine its neighbour choice on one run.

RsCIN keeps the k largest entries of each row of W = F·Fᵀ (float32). When the gap between a row's
k-th and (k+1)-th largest entries is not clearly larger than the float32 rounding of W, the kept
neighbours depend on the summation order of the product (numpy's BLAS, torch, musc4j). Different
neighbours then move the RsCIN score by far more than the features' own differences. This script
reports that gap next to the rounding. It changes no pass criterion.

usage: rscin_conditioning.py image_features.npy [K,K,...]   (default 1,2,3)
"""
import sys

import numpy as np


def main():
    if len(sys.argv) not in (2, 3):
        print(__doc__.strip().splitlines()[-1], file=sys.stderr)
        sys.exit(2)
    f = np.load(sys.argv[1]).astype(np.float32)
    ks = [int(k) for k in (sys.argv[2] if len(sys.argv) == 3 else "1,2,3").split(",")]
    exact = f.astype(np.float64) @ f.T.astype(np.float64)
    rounding = np.abs((f @ f.T).astype(np.float64) - exact).max()  # this numpy's float32 product
    ulp = float(np.spacing(np.float32(np.abs(exact).max())))
    unit = f / np.linalg.norm(f, axis=1, keepdims=True)
    cos = unit @ unit.T
    np.fill_diagonal(cos, np.nan)
    print(f"RsCIN conditioning: {len(f)} images, feature width {f.shape[1]}, pairwise cosine "
          f"{np.nanmin(cos):.6f}..{np.nanmax(cos):.6f}")
    print(f"  W = F·Fᵀ up to {np.abs(exact).max():.4g}: float32 ulp {ulp:.2e}, "
          f"float32 product error here {rounding:.2e}")
    order = np.sort(exact, axis=1)[:, ::-1]
    for k in ks:
        if k >= len(f):
            continue
        gaps = order[:, k - 1] - order[:, k]
        worst = int(np.argmin(gaps))
        close = int((gaps < 10 * max(rounding, ulp)).sum())
        print(f"  k={k}: smallest gap between the k-th and (k+1)-th entry {gaps[worst]:.2e} (row {worst}); "
              f"{close} rows with a gap under 10x that error")


if __name__ == "__main__":
    main()
