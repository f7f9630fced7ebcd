package io.musc4j.engine.msm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

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
                return z.get(manager, new ai.djl.ndarray.index.NDIndex("{}:{}", from, to));
            }
        };
    }
}
