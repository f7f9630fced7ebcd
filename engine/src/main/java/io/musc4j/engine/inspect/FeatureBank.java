package io.musc4j.engine.inspect;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import io.musc4j.engine.msm.MsmPrecision;
import io.musc4j.engine.msm.NearestPatchMinima.ProductForm;

/**
 * The reference bank of the {@link Inspector}: the LNAMD features of the last M admitted parts,
 * one (M, L, C+2) ring per (degree, layer) kept in the MSM kernel's product form [b, 1, |b|²]
 * ({@link ProductForm}), so that scoring a part does not rebuild it; in a manager of its own. A new
 * part overwrites the oldest slot in place, so after the first admission the bank allocates nothing
 * and its native footprint is fixed. Slot order does not matter: MSM sorts the nearest-image distances.
 */
final class FeatureBank implements AutoCloseable {

    private final NDManager manager;
    private final int capacity;
    private final MsmPrecision precision;
    private final ProductForm[][] rings;
    private int size;
    private int next;

    FeatureBank(int capacity, int degrees, int layers, MsmPrecision precision, Device device) {
        this.manager = NDManager.newBaseManager(device);
        this.capacity = capacity;
        this.precision = precision;
        this.rings = new ProductForm[degrees][layers];
    }

    /** Admits row {@code q} of every (degree, layer) feature array z[r][l] (Q, L, C), evicting the oldest part if full. */
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

    /** The parts in the bank (size, L, C+2) in product form for one (degree, layer), as a view owned by {@code scope}. */
    ProductForm productForm(int degree, int layer, NDManager scope) {
        return rings[degree][layer].head(size, scope);
    }

    /** The features of the parts in the bank (size, L, C) float32 for one (degree, layer), owned by {@code scope}. */
    NDArray features(int degree, int layer, NDManager scope) {
        return rings[degree][layer].features(size, scope);
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
