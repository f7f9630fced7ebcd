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
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.function.IntFunction;

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
    /** Per slot, the admission number of the part it holds (1-based, counted over the bank's life). */
    private final long[] admissions;
    private long admitted;
    private int size;
    private int next;

    FeatureBank(int capacity, int sets, int layers, Precision precision, Device device) {
        this.manager = NDManager.newBaseManager(device);
        this.capacity = capacity;
        this.precision = precision;
        this.rings = new ProductForm[sets][layers];
        this.admissions = new long[capacity];
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
        admissions[slot] = ++admitted;
        next = (next + 1) % capacity;
        size = Math.min(size + 1, capacity);
    }

    /** What a saved bank holds besides its slots' bytes: where the next part goes and which part is in which slot. */
    record Layout(int size, int next, long admitted, long[] admissions, long[][] shapes) {
    }

    /** The layout now: slot i in [0, size) holds admission {@code admissions[i]}; per pass (L, C+2), passes row-major. */
    Layout layout() {
        long[][] shapes = new long[rings.length * rings[0].length][];
        for (int r = 0; r < rings.length; r++) {
            for (int l = 0; l < rings[r].length; l++) {
                ProductForm ring = rings[r][l];
                shapes[r * rings[r].length + l] = ring == null ? new long[] {0, 0} : new long[] {ring.patches(), ring.width()};
            }
        }
        return new Layout(size, next, admitted, Arrays.copyOf(admissions, size), shapes);
    }

    /** The product-form rows of one slot for every pass (passes row-major), in the native byte order. */
    byte[] slotBytes(int slot) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (NDManager scope = manager.newSubManager()) {
            for (ProductForm[] set : rings) {
                for (ProductForm ring : set) {
                    ByteBuffer row = ring.product().get(scope, new NDIndex("{}", slot)).toByteBuffer();
                    byte[] bytes = new byte[row.remaining()];
                    row.get(bytes);
                    out.writeBytes(bytes);
                }
            }
        }
        return out.toByteArray();
    }

    /** Bytes of one slot over all passes for the shapes of a {@link Layout}. */
    long slotLength(long[][] shapes) {
        long n = 0;
        for (long[] shape : shapes) {
            n += shape[0] * shape[1] * precision.bytes();
        }
        return n;
    }

    /**
     * Puts back a saved bank into this empty one: the layout, then each slot's bytes as
     * {@link #slotBytes} wrote them, so the product form is bit for bit the saved one.
     */
    void restore(Layout layout, IntFunction<byte[]> slots) {
        if (size != 0 || admitted != 0) {
            throw new IllegalStateException("restore into a bank that already holds parts");
        }
        if (layout.size() == 0) {
            return;
        }
        int sets = rings.length;
        int layers = rings[0].length;
        for (int r = 0; r < sets; r++) {
            for (int l = 0; l < layers; l++) {
                long[] shape = layout.shapes()[r * layers + l];
                rings[r][l] = ProductForm.empty(capacity, shape[0], shape[1] - 2, precision, manager);
            }
        }
        for (int slot = 0; slot < layout.size(); slot++) {
            byte[] bytes = slots.apply(slot);
            int offset = 0;
            for (int r = 0; r < sets; r++) {
                for (int l = 0; l < layers; l++) {
                    long[] shape = layout.shapes()[r * layers + l];
                    int length = Math.toIntExact(shape[0] * shape[1] * precision.bytes());
                    ByteBuffer row = ByteBuffer.allocateDirect(length).order(ByteOrder.nativeOrder());
                    row.put(bytes, offset, length).flip();
                    offset += length;
                    try (NDManager scope = manager.newSubManager()) {
                        rings[r][l].product().set(new NDIndex("{}", slot),
                                scope.create(row, new Shape(shape[0], shape[1]), precision.dataType()));
                    }
                }
            }
            admissions[slot] = layout.admissions()[slot];
        }
        size = layout.size();
        next = layout.next();
        admitted = layout.admitted();
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
