package io.musc4j.engine.inspect;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * The reference bank of the {@link Inspector}: the LNAMD features of the last M admitted parts,
 * one (M, L, C) float32 ring per (degree, layer), in a manager of its own. A new part overwrites
 * the oldest slot in place, so after the first admission the bank allocates nothing and its
 * native footprint is fixed. Slot order does not matter: MSM sorts the nearest-image distances.
 */
final class FeatureBank implements AutoCloseable {

    private final NDManager manager;
    private final int capacity;
    private final NDArray[][] rings;
    private int size;
    private int next;

    FeatureBank(int capacity, int degrees, int layers, Device device) {
        this.manager = NDManager.newBaseManager(device);
        this.capacity = capacity;
        this.rings = new NDArray[degrees][layers];
    }

    /** Admits row {@code q} of every (degree, layer) feature array z[r][l] (Q, L, C), evicting the oldest part if full. */
    void add(NDArray[][] z, int q) {
        int slot = next;
        for (int r = 0; r < rings.length; r++) {
            for (int l = 0; l < rings[r].length; l++) {
                if (rings[r][l] == null) {
                    Shape s = z[r][l].getShape();
                    rings[r][l] = manager.zeros(new Shape(capacity, s.get(1), s.get(2)), DataType.FLOAT32);
                }
                try (NDManager scope = z[r][l].getManager().newSubManager()) {
                    rings[r][l].set(new NDIndex("{}", slot), z[r][l].get(scope, new NDIndex("{}", q)));
                }
            }
        }
        next = (next + 1) % capacity;
        size = Math.min(size + 1, capacity);
    }

    /** The features of the parts in the bank (size, L, C) for one (degree, layer), as a view owned by {@code scope}. */
    NDArray view(int degree, int layer, NDManager scope) {
        return rings[degree][layer].get(scope, new NDIndex("0:{}", size));
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
