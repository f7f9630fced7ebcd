package io.musc4j.engine.msm;

import io.musc4j.models.Precision;
import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.musc4j.models.script.ScriptModule;

/**
 * The nearest-neighbour kernel under MSM: for a patch p of image i and another image j, the
 * Euclidean distance from p to its nearest patch of j, {@code D[i][j][p] = min_q ‖Z[i,p] − Z[j,q]‖₂}.
 *
 * <p>Distances come from one matrix product per tile, as torch's {@code cdist} does: with
 * a' = [−2a, |a|², 1] and b' = [b, 1, |b|²], a'·b' = |a|² + |b|² − 2a·b. Minima are taken over the
 * squared distances on the device; only the minima are clamped at 0 and square-rooted (both are
 * monotone, so this equals the minimum of the distances).
 *
 * <p>A tile is a block of query images against a chunk of whole reference images: one
 * (k·L × chunk·L) product ({@link #plan}). Several query images per product make the products larger
 * and fewer, which matrix-product libraries run at a higher rate (on AMD CPUs markedly). On a CPU the
 * product has the size measured fastest on the machine ({@link ProductSizing}); on a GPU it takes the
 * byte budget. The product and both minimum reductions are one native call ({@link #tiles}). Where one image pair does not
 * fit, down to one patch against one image, so the workspace does not grow with N and nothing of
 * size N·L·L ever exists. Every shape gives the same numbers up to float32 rounding of the products.
 * Resident besides the workspace: the features in product form [b, 1, |b|²] (one copy of the
 * features, in the product precision) and the result, (Q, M, L) float32 for Q query images against
 * M references, the only array that grows with Q·M.
 *
 * <p>This kernel knows nothing of MSM's interval average ({@link MsmInterval}, {@link FullMsm}):
 * {@link #mutual} serves MSM over one set of images (each unordered pair once: the row minima of a
 * tile give i against j, its column minima j against i; needs the whole N·N·L store); the
 * query-block form serves MSM when that store does not fit (each ordered pair from the query's
 * side: twice the products, a store of only a block of rows); {@link #cross} serves scoring query
 * images against a bank of reference images, which a caller that scores against the same bank many
 * times keeps in {@link ProductForm} so that it is not rebuilt on every call.
 */
public final class NearestPatchMinima {

    private final long budgetBytes;
    private final Precision precision;

    /**
     * @param budgetBytes the largest workspace one tile may use (see {@link #plan})
     * @param precision arithmetic of the products
     */
    public NearestPatchMinima(long budgetBytes, Precision precision) {
        if (budgetBytes < 1) {
            throw new IllegalArgumentException("MSM memory budget must be positive, got " + budgetBytes);
        }
        this.budgetBytes = budgetBytes;
        this.precision = precision;
    }

    /** Arithmetic of the products. */
    public Precision precision() {
        return precision;
    }

    /**
     * How a tile is sized: {@code queryImages} whole images (or, where one image pair does not fit,
     * {@code queryPatches} patches of one image) against {@code referenceImages} whole images, using
     * about {@code bytes} of workspace.
     */
    public record TilePlan(int queryImages, int referenceImages, int queryPatches, long bytes) {
    }

    /**
     * The tile for the given feature shape on a device. On a CPU the product has the size measured
     * fastest on this machine ({@link ProductSizing}); on a GPU it takes the budget.
     */
    public TilePlan plan(long patches, long channels, Device device) {
        return plan(patches, channels,
                device.isGpu() ? Long.MAX_VALUE : ProductSizing.of(this, patches, channels).productBytes());
    }

    /**
     * The tile whose product stays within {@code productBytes} and whose workspace (the product, the
     * left operands and the minima) within the budget. The pairs that fit are split into about as
     * many query images as reference images (the squarest product); where one pair does not fit, one
     * query image's patches are split into blocks.
     */
    TilePlan plan(long patches, long channels, long productBytes) {
        int e = precision.bytes();
        // one query image's left operand [−2a, |a|², 1] and the parts it is built from
        long left = 3 * patches * (channels + 2) * e;
        long pair = patches * patches * e;
        long room = Math.max(1, Math.min(productBytes, budgetBytes - left));
        long k = 1;
        long rows = patches;
        if (pair > room) {
            rows = Math.max(1, room / (patches * e));
        } else {
            k = Math.max(1, (long) Math.sqrt((double) (room / pair)));
            while (k > 1 && k * (left + pair) > budgetBytes) {
                k--;
            }
            room = Math.max(1, Math.min(productBytes, budgetBytes - k * left));
        }
        long chunk = Math.max(1, room / (k * rows * patches * e));
        // per reference image: its block of the product, its row minima and running column minima
        long bytes = k * left + chunk * k * (rows * patches * e + (rows + 2 * patches) * (e + 4));
        return new TilePlan((int) Math.min(Integer.MAX_VALUE, k), (int) Math.min(Integer.MAX_VALUE, chunk),
                (int) rows, bytes);
    }

    /**
     * Nearest-patch distances between all pairs of distinct images.
     *
     * @param z (N, L, C) float32 features
     * @return (N, N, L) float32 on z's manager; entry [i][j][p] for j ≠ i, +∞ where j = i
     */
    public NDArray mutual(NDArray z) {
        return mutual(z, plan(z.getShape().get(1), z.getShape().get(2), z.getDevice()));
    }

    /** {@link #mutual(NDArray)} with a given tile, for comparing tile shapes (the numbers are the same). */
    public NDArray mutual(NDArray z, TilePlan plan) {
        try (NDManager scope = z.getManager().newSubManager()) {
            NDArray minima = mutual(ProductForm.of(FeatureChunks.of(z), precision, plan.referenceImages(), scope), plan);
            minima.attach(z.getManager());
            return minima;
        }
    }

    /**
     * All pairs, each unordered pair once: the (N, N, L) float32 store, +∞ on the diagonal, owned by
     * the operands' manager.
     */
    NDArray mutual(ProductForm ops, TilePlan plan) {
        long n = ops.images();
        NDManager scope = ops.product().getManager();
        NDArray minima = scope.full(new Shape(n, n, ops.patches()), Float.POSITIVE_INFINITY, DataType.FLOAT32);
        try (NDManager ws = scope.newSubManager()) {
            NDArray work = workspace(plan, ops, ops, ws);
            for (long i0 = 0; i0 + 1 < n; i0 += plan.queryImages()) {
                long i1 = Math.min(n, i0 + plan.queryImages());
                // the pairs inside the block, each once, then the block against every later image
                for (long i = i0; i + 1 < i1; i++) {
                    tiles(ops, i, i + 1, i, ops, i + 1, i1, plan, minima, true, work, ws);
                }
                if (i1 < n) {
                    tiles(ops, i0, i1, i0, ops, i1, n, plan, minima, true, work, ws);
                }
            }
        }
        return minima;
    }

    /**
     * Query images [i0, i1) against all N images, each ordered pair computed from the query's side:
     * (i1 − i0, N, L) float32, +∞ where j = i, owned by {@code scope}. Nothing here grows with N·N.
     */
    NDArray queries(ProductForm ops, long i0, long i1, TilePlan plan, NDManager scope) {
        NDArray minima = scope.zeros(new Shape(i1 - i0, ops.images(), ops.patches()), DataType.FLOAT32);
        try (NDManager ws = scope.newSubManager()) {
            NDArray work = workspace(plan, ops, ops, ws);
            for (long q0 = i0; q0 < i1; q0 += plan.queryImages()) {
                tiles(ops, q0, Math.min(i1, q0 + plan.queryImages()), q0 - i0, ops, 0, ops.images(), plan, minima,
                        false, work, ws);
            }
        }
        for (long i = i0; i < i1; i++) {
            minima.set(new NDIndex("{}, {}, :", i - i0, i), Float.POSITIVE_INFINITY);
        }
        return minima;
    }

    /**
     * Nearest-patch distances from every query image to every bank image.
     *
     * @param queries (Q, L, C) float32 features
     * @param bank (M, L', C) float32 features
     * @return (Q, M, L) float32 on the queries' manager
     */
    public NDArray cross(NDArray queries, NDArray bank) {
        try (NDManager scope = queries.getManager().newSubManager()) {
            int chunk = plan(queries.getShape(), bank.getShape().get(1), bank.getDevice()).referenceImages();
            return cross(queries, ProductForm.of(FeatureChunks.of(bank), precision, chunk, scope));
        }
    }

    /**
     * Nearest-patch distances from every query image to every image of a bank already in product
     * form (in this kernel's precision), so that a bank scored many times is not rebuilt each time.
     *
     * @param queries (Q, L, C) float32 features
     * @param bank (M, L', C+2) product form of the bank's features
     * @return (Q, M, L) float32 on the queries' manager
     */
    public NDArray cross(NDArray queries, ProductForm bank) {
        long q = queries.getShape().get(0);
        Shape bankShape = bank.product().getShape();
        if (queries.getShape().get(2) + 2 != bank.width()) {
            throw new IllegalArgumentException("MSM: query and bank channel counts differ: "
                    + queries.getShape() + " vs " + bankShape + " in product form");
        }
        if (bank.product().getDataType() != precision.dataType()) {
            throw new IllegalArgumentException("MSM: bank product form is " + bank.product().getDataType()
                    + ", the kernel computes in " + precision.dataType());
        }
        NDArray minima = queries.getManager().zeros(new Shape(q, bankShape.get(0), queries.getShape().get(1)),
                DataType.FLOAT32);
        TilePlan plan = plan(queries.getShape(), bankShape.get(1), bank.product().getDevice());
        try (NDManager scope = queries.getManager().newSubManager()) {
            ProductForm qs = ProductForm.of(FeatureChunks.of(queries), precision, plan.referenceImages(), scope);
            NDArray work = workspace(plan, qs, bank, scope);
            for (long q0 = 0; q0 < q; q0 += plan.queryImages()) {
                tiles(qs, q0, Math.min(q, q0 + plan.queryImages()), q0, bank, 0, bankShape.get(0), plan, minima,
                        false, work, scope);
            }
        }
        return minima;
    }

    private TilePlan plan(Shape queries, long bankPatches, Device device) {
        return plan(Math.max(queries.get(1), bankPatches), queries.get(2), device);
    }

    /**
     * One tile in one native call: the product and both minimum reductions with clamp and square root
     * ({@code nearest_patch_tile.py}). In: left operands (k, P, C+2) and the references' product form
     * (J, L, C+2). Out: row minima (k, J, P), and for {@link #MUTUAL} also column minima (J, k, L),
     * float32 distances. DJL's {@code min(axis)} also computes the indices of the minima, which made the
     * reductions cost a third of the products on a CPU.
     */
    private static final ScriptModule ROWS = new ScriptModule(NearestPatchMinima.class, "nearest_patch_tile.py",
            "NearestPatchRows");
    private static final ScriptModule MUTUAL = new ScriptModule(NearestPatchMinima.class, "nearest_patch_tile.py",
            "NearestPatchMutual");

    /**
     * The workspace every tile of a plan writes its product into, allocated once per pass: a fresh
     * product per tile would cost the kernel's zeroing of its pages every time. Uninitialised; each
     * tile overwrites the part it reads.
     */
    static NDArray workspace(TilePlan plan, ProductForm left, ProductForm refs, NDManager scope) {
        long rows = plan.queryImages() == 1 ? plan.queryPatches() : plan.queryImages() * left.patches();
        return scope.create(new Shape(rows * plan.referenceImages() * refs.patches()), refs.product().getDataType());
    }

    /**
     * Images [i0, i1) of {@code left} against images [from, to) of {@code refs}: writes
     * minima[t0 + i − i0][j][p] and, with {@code columns}, minima[j][i][q] (the same products read the
     * other way). Several query images are one product; a split of patches applies to one image only.
     * {@code work} is the plan's {@link #workspace}.
     */
    static void tiles(ProductForm left, long i0, long i1, long t0, ProductForm refs, long from, long to,
            TilePlan plan, NDArray minima, boolean columns, NDArray work, NDManager parent) {
        long k = i1 - i0;
        long l = left.patches();
        long rows = k == 1 ? plan.queryPatches() : l;
        try (NDManager row = parent.newSubManager()) {
            NDArray a = left.left(i0, i1, row);
            for (long j0 = from; j0 < to; j0 += plan.referenceImages()) {
                long j1 = Math.min(to, j0 + plan.referenceImages());
                try (NDManager tile = row.newSubManager()) {
                    NDArray b = refs.right(j0, j1, tile);
                    NDArray columnMin = null;
                    for (long p0 = 0; p0 < l; p0 += rows) {
                        long p1 = Math.min(l, p0 + rows);
                        try (NDManager block = tile.newSubManager()) {
                            NDArray rowsOfA = k == 1 ? a.get(block, new NDIndex(":, {}:{}", p0, p1)) : a;
                            NDList out = (columns ? MUTUAL : ROWS).forward(new NDList(rowsOfA, b, work));
                            minima.set(new NDIndex("{}:{}, {}:{}, {}:{}", t0, t0 + k, j0, j1, p0, p1), out.get(0));
                            if (columns) {
                                columnMin = columnMin == null ? out.get(1) : columnMin.minimum(out.get(1));
                                columnMin.attach(tile);
                            }
                        }
                    }
                    if (columns) {
                        minima.set(new NDIndex("{}:{}, {}:{}, :", j0, j1, i0, i1), columnMin);
                    }
                }
            }
        }
    }

    /**
     * Features in product form b' = [b, 1, |b|²] (N, L, C+2) in the product precision, so that every
     * tile's right operand is a contiguous view. Built chunk by chunk from the features (so no
     * full-size temporary exists, and at scale the features themselves never exist whole), or kept
     * by a caller that scores against the same images many times and rewrites one image at a time.
     *
     * @param product the (N, L, C+2) array
     * @param patches L
     * @param width C+2
     */
    public record ProductForm(NDArray product, long patches, long width) {

        static ProductForm of(FeatureChunks features, Precision precision, int chunk, NDManager scope) {
            if (features instanceof Held held && held.form.product.getDataType() == precision.dataType()) {
                return held.form;
            }
            long n = features.images();
            ProductForm form = empty(n, features.patches(), features.channels(), precision, scope);
            for (long j0 = 0; j0 < n; j0 += chunk) {
                long j1 = Math.min(n, j0 + chunk);
                try (NDManager part = scope.newSubManager()) {
                    form.set(j0, features.read(j0, j1, part));
                }
            }
            return form;
        }

        /** Room for {@code images} images of L patches with C channels (all zero), owned by {@code manager}. */
        public static ProductForm empty(long images, long patches, long channels, Precision precision,
                NDManager manager) {
            return new ProductForm(manager.zeros(new Shape(images, patches, channels + 2), precision.dataType()),
                    patches, channels + 2);
        }

        /**
         * Writes the product form of {@code features} (k, L, C) float32 into images [from, from + k),
         * in place; temporaries live on the features' manager's sub-scope.
         */
        public void set(long from, NDArray features) {
            long k = features.getShape().get(0);
            Shape expected = new Shape(k, patches, width - 2);
            if (!features.getShape().equals(expected)) {
                throw new IllegalArgumentException("MSM: features of images " + from + ".." + (from + k)
                        + " have shape " + features.getShape() + ", expected " + expected);
            }
            try (NDManager scope = features.getManager().newSubManager()) {
                NDArray b = features.get(scope, new NDIndex(":")).toType(product.getDataType(), false);
                // written in place, column block by column block: one pass over the features, where a
                // concatenation would first copy them whole into a temporary
                long c = width - 2;
                product.set(new NDIndex("{}:{}, :, :{}", from, from + k, c), b);
                NDArray bn = b.square().sum(new int[] {2});
                // both trailing columns from one array of this scope (a scalar set would make its
                // temporary on the product's manager, which a bank keeps for its lifetime)
                product.set(new NDIndex("{}:{}, :, {}:", from, from + k, c), NDArrays.stack(new NDList(bn.onesLike(), bn), -1));
            }
        }

        /** These images as features that {@link #of} takes back as they are (their values are
         *  {@link #features}). */
        FeatureChunks asFeatures() {
            return new Held(this);
        }

        /** The first n images: a view owned by {@code scope}. */
        public ProductForm head(long n, NDManager scope) {
            return new ProductForm(product.get(scope, new NDIndex("0:{}", n)), patches, width);
        }

        /**
         * The features b of the first n images, (n, L, C) float32 owned by {@code scope}: exactly the
         * features written where the product precision is FP32; in FP16 they are the FP16-rounded
         * features, from which the kernel builds the same product form as from the originals.
         */
        NDArray features(long n, NDManager scope) {
            return product.get(scope, new NDIndex("0:{}, :, :{}", n, width - 2)).toType(DataType.FLOAT32, true);
        }

        long images() {
            return product.getShape().get(0);
        }

        /** [−2a, |a|², 1] of images [i0, i1): (i1−i0, L, C+2), owned by {@code scope}. */
        NDArray left(long i0, long i1, NDManager scope) {
            NDArray b = product.get(scope, new NDIndex("{}:{}", i0, i1));
            long c = width - 2;
            return NDArrays.concat(new NDList(b.get(":, :, :{}", c).mul(-2), b.get(":, :, {}:", c + 1),
                    b.get(":, :, {}:{}", c, c + 1)), -1);
        }

        /** b' of images [j0, j1): (j1−j0, L, C+2), a view owned by {@code scope}. */
        NDArray right(long j0, long j1, NDManager scope) {
            return product.get(scope, new NDIndex("{}:{}", j0, j1));
        }

        /** Features held in product form: read back as the features the product form was built from. */
        private record Held(ProductForm form) implements FeatureChunks {
            @Override
            public long images() {
                return form.images();
            }

            @Override
            public long patches() {
                return form.patches;
            }

            @Override
            public long channels() {
                return form.width - 2;
            }

            @Override
            public NDArray read(long from, long to, NDManager manager) {
                return form.product.get(manager, new NDIndex("{}:{}, :, :{}", from, to, form.width - 2))
                        .toType(DataType.FLOAT32, true);
            }
        }
    }
}
