package io.musc4j.engine.msm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * MSM input features (N, L, C) read a block of images at a time, so that the whole array never has
 * to exist: at scale the features are computed (by LNAMD) chunk by chunk from spilled tokens and go
 * straight into the product form of {@link NearestPatchMinima}.
 */
public interface FeatureChunks {

    /** Number of images N. */
    long images();

    /** Patches per image L. */
    long patches();

    /** Channels C. */
    long channels();

    /** Features (to − from, L, C) float32 of images [from, to), owned by {@code manager}. */
    NDArray read(long from, long to, NDManager manager);

    /**
     * All N images as one (N, L, C) float32 array owned by {@code manager}, read {@code chunk} images at
     * a time (so that whatever computes them works a chunk's size at a time).
     */
    default NDArray readAll(int chunk, NDManager manager) {
        NDArray all = manager.create(new Shape(images(), patches(), channels()), DataType.FLOAT32);
        for (long j0 = 0; j0 < images(); j0 += chunk) {
            long j1 = Math.min(images(), j0 + chunk);
            try (NDManager part = manager.newSubManager()) {
                all.set(new NDIndex("{}:{}", j0, j1), read(j0, j1, part).toType(DataType.FLOAT32, false));
            }
        }
        return all;
    }

    /** A whole resident array as chunks (slices of it). */
    static FeatureChunks of(NDArray z) {
        return new FeatureChunks() {
            @Override
            public long images() {
                return z.getShape().get(0);
            }

            @Override
            public long patches() {
                return z.getShape().get(1);
            }

            @Override
            public long channels() {
                return z.getShape().get(2);
            }

            @Override
            public NDArray read(long from, long to, NDManager manager) {
                return z.get(manager, new NDIndex("{}:{}", from, to));
            }
        };
    }
}
