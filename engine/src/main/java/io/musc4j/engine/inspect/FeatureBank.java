package io.musc4j.engine.inspect;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.musc4j.engine.msm.FeatureChunks;
import io.musc4j.models.Precision;
import io.musc4j.engine.msm.NearestPatchMinima.ProductForm;

/**
 * The reference bank of the {@link Inspector}: the aggregated features of the last M admitted parts,
 * one (M, L, C+2) ring per pass (feature set, layer) kept in the MSM kernel's product form [b, 1, |b|²]
 * ({@link ProductForm}), so that scoring a part does not rebuild it; in a manager of its own. A new
 * part overwrites the oldest slot in place, so after the first admission the bank allocates nothing
 * and its native footprint is fixed. Slot order does not matter: MSM sorts the nearest-image distances.
 */
final class FeatureBank implements AutoCloseable {

    private final NDManager manager;
    private final int capacity;
    private final Precision precision;
    private final ProductForm[][] rings;
    private int size;
    private int next;

    FeatureBank(int capacity, int sets, int layers, Precision precision, Device device) {
        this.manager = NDManager.newBaseManager(device);
        this.capacity = capacity;
        this.precision = precision;
        this.rings = new ProductForm[sets][layers];
    }

    /** Admits row {@code q} of every pass's feature array z[set][layer] (Q, L, C), evicting the oldest part if full. */
    void add(NDArray[][] z, int q) {
        int slot = next;
        for (int r = 0; r < rings.length; r++) {
            for (int l = 0; l < rings[r].length; l++) {
                if (rings[r][l] == null) {
                    Shape s = z[r][l].getShape();
                    rings[r][l] = ProductForm.empty(capacity, s.get(1), s.get(2), precision, manager);
                }
                try (NDManager scope = z[r][l].getManager().newSubManager()) {
                    rings[r][l].set(slot, z[r][l].get(scope, new NDIndex("{}:{}", q, q + 1)));
                }
            }
        }
        next = (next + 1) % capacity;
        size = Math.min(size + 1, capacity);
    }

    /** The parts in the bank (size, L, C+2) in product form for one (feature set, layer), as a view owned by {@code scope}. */
    ProductForm productForm(int set, int layer, NDManager scope) {
        return rings[set][layer].head(size, scope);
    }

    /** The features of the parts in the bank (size, L, C) float32 for one (feature set, layer), read a
     *  block of parts at a time: exactly the features admitted where the product precision is FP32. */
    FeatureChunks features(int set, int layer) {
        ProductForm ring = rings[set][layer];
        long channels = ring.width() - 2;
        return new FeatureChunks() {
            @Override
            public long images() {
                return size;
            }

            @Override
            public long patches() {
                return ring.patches();
            }

            @Override
            public long channels() {
                return channels;
            }

            @Override
            public NDArray read(long from, long to, NDManager manager) {
                return ring.product().get(manager, new NDIndex("{}:{}, :, :{}", from, to, channels))
                        .toType(DataType.FLOAT32, true);
            }
        };
    }

    /** Number of parts in the bank. */
    int size() {
        return size;
    }

    /** Native arrays the bank's manager holds (constant once the first part is in). */
    int liveArrays() {
        return manager.getManagedArrays().size();
    }

    @Override
    public void close() {
        manager.close();
    }
}
