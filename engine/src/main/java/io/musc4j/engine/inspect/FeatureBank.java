package io.musc4j.engine.inspect;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.musc4j.engine.msm.FeatureChunks;
import io.musc4j.engine.msm.NeighbourhoodMaps;
import io.musc4j.models.Precision;
import io.musc4j.engine.msm.NearestPatchMinima.ProductForm;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.function.IntFunction;

/**
 * The reference bank of the {@link Inspector}: the aggregated features of the last M admitted parts in
 * the form the bank's scorer reads, in a manager of its own, so that scoring a part does not rebuild it.
 * Two forms, fixed when the bank is made:
 *
 * <ul>
 *   <li><b>per layer</b> ({@link #layered}, LNAMD with float32 products): per tapped layer the parts'
 *       layer-normed maps (M, L, C) and, per degree, their box sums' inverse norms and unit squares
 *       (D, M, L) each ({@link NeighbourhoodMaps.Block}), from which every degree of a layer is scored
 *       with one product;</li>
 *   <li><b>per pass</b> (one feature set per layer, or half-precision products): per (feature set,
 *       layer) the features in the MSM kernel's product form [b, 1, |b|²] (M, L, C+2) ({@link ProductForm}).</li>
 * </ul>
 *
 * <p>Each is a list of rings: arrays with a slot axis of M. A new part overwrites the oldest slot in
 * place, so after the first admission the bank allocates nothing and its native footprint is fixed.
 * Slot order does not matter: MSM sorts the nearest-image distances.
 */
final class FeatureBank implements AutoCloseable {

    /** Arrays of one layer in the per-layer form: the map, the inverse norms, the unit squares. */
    private static final int LAYER_RINGS = 3;

    private final NDManager manager;
    private final int capacity;
    private final int sets;
    private final int layers;
    private final boolean layered;
    private final Precision precision;
    /** Per layer (map, inverse norms, unit squares), or per pass row-major ([set][layer]); null until the
     *  first part or a restore gives their shapes. */
    private Ring[] rings;
    /** Per slot, the admission number of the part it holds (1-based, counted over the bank's life). */
    private final long[] admissions;
    private long admitted;
    private int size;
    private int next;

    /**
     * One array of the bank with M slots along {@code axis} (0, or 1 for the per-degree arrays whose
     * degree comes first, so that each degree's rows of the first {@code size} slots are contiguous).
     */
    private record Ring(NDArray array, int axis) {

        NDIndex slot(int slot) {
            return axis == 0 ? new NDIndex("{}", slot) : new NDIndex(":, {}", slot);
        }

        /** The first n slots, a view owned by {@code scope}. */
        NDArray head(int n, NDManager scope) {
            return array.get(scope, axis == 0 ? new NDIndex("0:{}", n) : new NDIndex(":, 0:{}", n));
        }

        /** The shape of one slot's rows. */
        long[] slotShape() {
            long[] shape = array.getShape().getShape();
            long[] out = new long[shape.length - 1];
            for (int i = 0, o = 0; i < shape.length; i++) {
                if (i != axis) {
                    out[o++] = shape[i];
                }
            }
            return out;
        }
    }

    /**
     * @param layered the per-layer form (float32 only), else per pass
     */
    FeatureBank(int capacity, int sets, int layers, boolean layered, Precision precision, Device device) {
        if (layered && precision != Precision.FP32) {
            throw new IllegalArgumentException("a bank per layer holds float32 maps, not " + precision);
        }
        this.manager = NDManager.newBaseManager(device);
        this.capacity = capacity;
        this.sets = sets;
        this.layers = layers;
        this.layered = layered;
        this.precision = precision;
        this.admissions = new long[capacity];
    }

    /** Whether the bank holds each layer's maps (see the class comment), else each pass's features. */
    boolean layered() {
        return layered;
    }

    /** Admits row {@code q} of every pass's feature array z[set][layer] (Q, L, C) (the per-pass form). */
    void add(NDArray[][] z, int q) {
        if (layered) {
            throw new IllegalStateException("a bank per layer admits maps, not features");
        }
        if (rings == null) {
            rings = new Ring[sets * layers];
            for (int r = 0; r < sets; r++) {
                for (int l = 0; l < layers; l++) {
                    Shape s = z[r][l].getShape();
                    rings[r * layers + l] = new Ring(ProductForm.empty(capacity, s.get(1), s.get(2), precision,
                            manager).product(), 0);
                }
            }
        }
        for (int r = 0; r < sets; r++) {
            for (int l = 0; l < layers; l++) {
                try (NDManager scope = z[r][l].getManager().newSubManager()) {
                    passForm(r, l).set(next, z[r][l].get(scope, new NDIndex("{}:{}", q, q + 1)));
                }
            }
        }
        admitted();
    }

    /** Admits image {@code q} of every layer's maps (the per-layer form). */
    void add(NeighbourhoodMaps.Block[] maps, int q) {
        if (!layered) {
            throw new IllegalStateException("a bank per pass admits features, not maps");
        }
        if (rings == null) {
            rings = new Ring[layers * LAYER_RINGS];
            for (int l = 0; l < layers; l++) {
                Shape map = maps[l].map().getShape();
                Shape norms = maps[l].inverseNorms().getShape();
                rings[l * LAYER_RINGS] = new Ring(manager.zeros(new Shape(capacity, map.get(1), map.get(2))), 0);
                for (int k = 1; k < LAYER_RINGS; k++) {
                    rings[l * LAYER_RINGS + k] = new Ring(manager.zeros(new Shape(norms.get(0), capacity, norms.get(2))),
                            1);
                }
            }
        }
        for (int l = 0; l < layers; l++) {
            NDArray[] parts = {maps[l].map(), maps[l].inverseNorms(), maps[l].unitSquares()};
            for (int k = 0; k < LAYER_RINGS; k++) {
                Ring ring = rings[l * LAYER_RINGS + k];
                try (NDManager scope = parts[k].getManager().newSubManager()) {
                    ring.array().set(ring.slot(next), parts[k].get(scope, ring.slot(q)));
                }
            }
        }
        admitted();
    }

    private void admitted() {
        admissions[next] = ++admitted;
        next = (next + 1) % capacity;
        size = Math.min(size + 1, capacity);
    }

    private ProductForm passForm(int set, int layer) {
        NDArray product = rings[set * layers + layer].array();
        Shape s = product.getShape();
        return new ProductForm(product, s.get(1), s.get(2));
    }

    /** What a saved bank holds besides its slots' bytes: where the next part goes and which part is in which
     *  slot. {@code shapes}: per ring, the shape of one slot's rows (two dimensions), rings in bank order. */
    record Layout(int size, int next, long admitted, long[] admissions, long[][] shapes) {
    }

    /** The layout now: slot i in [0, size) holds admission {@code admissions[i]}. */
    Layout layout() {
        long[][] shapes = new long[rings == null ? 0 : rings.length][];
        for (int i = 0; i < shapes.length; i++) {
            shapes[i] = rings[i].slotShape();
        }
        return new Layout(size, next, admitted, Arrays.copyOf(admissions, size), shapes);
    }

    /** One slot's rows of every ring, in bank order, in the native byte order. */
    byte[] slotBytes(int slot) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (NDManager scope = manager.newSubManager()) {
            for (Ring ring : rings) {
                ByteBuffer row = ring.array().get(scope, ring.slot(slot)).toByteBuffer();
                byte[] bytes = new byte[row.remaining()];
                row.get(bytes);
                out.writeBytes(bytes);
            }
        }
        return out.toByteArray();
    }

    /** Bytes of one slot over all rings for the shapes of a {@link Layout}. */
    long slotLength(long[][] shapes) {
        long n = 0;
        for (long[] shape : shapes) {
            n += shape[0] * shape[1] * precision.bytes();
        }
        return n;
    }

    /**
     * Puts back a saved bank into this empty one: the layout, then each slot's bytes as
     * {@link #slotBytes} wrote them, so the bank is bit for bit the saved one.
     *
     * @throws IllegalArgumentException where the layout has another number of rings than this bank's form
     */
    void restore(Layout layout, IntFunction<byte[]> slots) {
        if (size != 0 || admitted != 0) {
            throw new IllegalStateException("restore into a bank that already holds parts");
        }
        if (layout.size() == 0) {
            return;
        }
        long[][] shapes = layout.shapes();
        int expected = layered ? layers * LAYER_RINGS : sets * layers;
        if (shapes.length != expected) {
            throw new IllegalArgumentException("the saved bank has " + shapes.length + " arrays per part, this one "
                    + expected);
        }
        rings = new Ring[shapes.length];
        for (int i = 0; i < shapes.length; i++) {
            long[] s = shapes[i];
            boolean perDegree = layered && i % LAYER_RINGS != 0;
            rings[i] = perDegree ? new Ring(manager.zeros(new Shape(s[0], capacity, s[1]), precision.dataType()), 1)
                    : new Ring(manager.zeros(new Shape(capacity, s[0], s[1]), precision.dataType()), 0);
        }
        for (int slot = 0; slot < layout.size(); slot++) {
            byte[] bytes = slots.apply(slot);
            int offset = 0;
            for (int i = 0; i < rings.length; i++) {
                long[] shape = shapes[i];
                int length = Math.toIntExact(shape[0] * shape[1] * precision.bytes());
                ByteBuffer row = ByteBuffer.allocateDirect(length).order(ByteOrder.nativeOrder());
                row.put(bytes, offset, length).flip();
                offset += length;
                try (NDManager scope = manager.newSubManager()) {
                    rings[i].array().set(rings[i].slot(slot), scope.create(row, new Shape(shape[0], shape[1]),
                            precision.dataType()));
                }
            }
            admissions[slot] = layout.admissions()[slot];
        }
        size = layout.size();
        next = layout.next();
        admitted = layout.admitted();
    }

    /** The parts in the bank (size, L, C+2) in product form for one (feature set, layer), as a view owned
     *  by {@code scope} (the per-pass form). */
    ProductForm productForm(int set, int layer, NDManager scope) {
        return passForm(set, layer).head(size, scope);
    }

    /** The parts' maps of one layer, views of the first {@code size} slots owned by {@code scope} (the
     *  per-layer form). */
    NeighbourhoodMaps.Block maps(int layer, NDManager scope) {
        return new NeighbourhoodMaps.Block(rings[layer * LAYER_RINGS].head(size, scope),
                rings[layer * LAYER_RINGS + 1].head(size, scope), rings[layer * LAYER_RINGS + 2].head(size, scope));
    }

    /** The features of the parts in the bank (size, L, C) float32 for one (feature set, layer), read a
     *  block of parts at a time: exactly the features admitted where the product precision is FP32 (the
     *  per-pass form). */
    FeatureChunks features(int set, int layer) {
        ProductForm ring = passForm(set, layer);
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
