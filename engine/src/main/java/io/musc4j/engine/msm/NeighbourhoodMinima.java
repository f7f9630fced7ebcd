package io.musc4j.engine.msm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.musc4j.models.script.ScriptModule;

/**
 * The nearest-patch kernel of {@link NearestPatchMinima} for every LNAMD degree of a layer at once,
 * from one product per tile instead of one per degree.
 *
 * <p>Why it is exact: LNAMD's degree-r feature of patch p is the unit vector of B_r F (p), the r×r box
 * sum of the layer-normed map F around p (zero padding). Box sums are linear, so the products of
 * degree-r features are box sums of the products of the map, G = F_i·F_jᵀ, over both patch grids:
 * {@code (B_r F_i)(p)·(B_r F_j)(q) = Σ_{p'∈W_r(p), q'∈W_r(q)} G(p', q')}. One product over C channels
 * and, per degree, four separable passes of r terms over the product replace one product over C per
 * degree; dividing by both box sums' norms gives the cosines of the unit features, and
 * ‖a − b‖² = ‖a‖² + ‖b‖² − 2 a·b (with the unit features' float32 squares, as the reference's
 * {@code cdist} forms it). Up to float32 rounding this equals
 * {@link NearestPatchMinima} on the features {@link io.musc4j.engine.lnamd.Lnamd#aggregate} gives.
 *
 * <p>Tiles are whole query images against whole reference images (the box sums need every patch of
 * both grids): a {@link NearestPatchMinima.TilePlan} whose query images are not split. One product
 * may span several tiles' references ({@link #PRODUCT_SPAN}); the passes then run one tile's references
 * at a time over their rows of it. The workspace holds that product and {@link #TEMPORARIES} tile-sized
 * arrays of the passes. The result grows with the degrees D: (D, Q, M, L) float32.
 */
final class NeighbourhoodMinima {

    /** Product-sized arrays a tile holds besides its product: a box pass's input and output, and the
     *  scaled cosines. */
    static final int TEMPORARIES = 3;

    /** Names the passes of {@code nearest_patch_boxes.py} in the tile sizes {@link ProductSizing} remembers,
     *  so that a size measured for other passes is measured again; changes when they change. */
    static final String REVISION = "band-products-spans-4";

    /** How many tiles' references one product may span, the budget allowing: the passes run a tile's
     *  references at a time over their rows of it, so their arrays keep the size measured fastest while
     *  the product grows. On a 2-core Zen 5, one query image against 64 references: products of 16
     *  references 77.7 ms per part, of 32 or 64 71.8–72.7; four query images against 36 references,
     *  tiles of 4: 75.9–80.5 ms one tile per product, 68.7 with products of 16. */
    static final int PRODUCT_SPAN = 4;

    /**
     * One tile in one native call ({@code nearest_patch_boxes.py}). In: maps (k, L, C) and (J, L, C),
     * inverse norms (D, k, L) and (D, J, L), unit squares likewise, the grid [h, w, r_1..r_D]. Out: row
     * minima (D, k, J, L) and column minima (D, J, k, L), float32 distances (a tile whose columns are not
     * needed reads them anyway: one reduction per degree, next to four passes of box sums).
     */
    private static final ScriptModule TILE = new ScriptModule(NeighbourhoodMinima.class, "nearest_patch_boxes.py",
            "NearestPatchBoxes");
    /** {@link #TILE} for the row minima only ({@link #cross}). */
    private static final ScriptModule ROWS = new ScriptModule(NeighbourhoodMinima.class, "nearest_patch_boxes.py",
            "NearestPatchBoxRows");

    private NeighbourhoodMinima() {
    }

    /** Whether a tile plan keeps query images whole, which the box sums need. */
    static boolean fits(NearestPatchMinima.TilePlan plan, long patches) {
        return plan.queryImages() > 1 || plan.queryPatches() >= patches;
    }

    /**
     * The maps of all N images with their inverse norms, resident while a layer is scored.
     *
     * @param map (N, L, C) float32
     * @param inverseNorms (D, N, L) float32
     * @param unitSquares (D, N, L) float32
     * @param grid int64 [h, w, r_1..r_D] on the maps' device
     */
    record Form(NDArray map, NDArray inverseNorms, NDArray unitSquares, NDArray grid) {

        /** Read {@code chunk} images at a time into arrays owned by {@code scope}. */
        static Form of(NeighbourhoodMaps maps, int chunk, NDManager scope) {
            int d = maps.degrees().size();
            long[] grid = new long[2 + d];
            grid[0] = maps.gridH();
            grid[1] = maps.gridW();
            for (int i = 0; i < d; i++) {
                grid[2 + i] = maps.degrees().get(i);
            }
            NeighbourhoodMaps.Block whole = maps.readAll(chunk, scope);
            return new Form(whole.map(), whole.inverseNorms(), whole.unitSquares(), scope.create(grid));
        }

        long images() {
            return map.getShape().get(0);
        }

        long patches() {
            return map.getShape().get(1);
        }

        long degrees() {
            return inverseNorms.getShape().get(0);
        }
    }

    /**
     * All pairs, each unordered pair once: (D, N, N, L) float32, +∞ where j = i, owned by {@code scope}.
     * Every pair is computed with its lower image as the left operand, the orientation {@link #queries}
     * keeps too: box sums taken in another order round differently.
     */
    static NDArray mutual(Form form, NearestPatchMinima.TilePlan plan, int span, NDManager scope) {
        long n = form.images();
        NDArray minima = scope.full(new Shape(form.degrees(), n, n, form.patches()), Float.POSITIVE_INFINITY,
                DataType.FLOAT32);
        try (NDManager ws = scope.newSubManager()) {
            NDList work = workspace(plan, form, span, ws);
            for (long i0 = 0; i0 + 1 < n; i0 += plan.queryImages()) {
                long i1 = Math.min(n, i0 + plan.queryImages());
                for (long i = i0; i + 1 < i1; i++) {
                    both(form, i, i + 1, i + 1, i1, minima, 0, work, ws);
                }
                for (long j0 = i1; j0 < n; j0 += span) {
                    both(form, i0, i1, j0, Math.min(n, j0 + span), minima, 0, work, ws);
                }
            }
        }
        return minima;
    }

    /**
     * Query images [i0, i1) against all N: (D, i1 − i0, N, L), +∞ where j = i. Each pair is oriented as in
     * {@link #mutual} (an earlier reference is the left operand and gives its column minima), so that
     * blocks gathered from workers equal the symmetric store up to the products' rounding.
     */
    static NDArray queries(Form form, long i0, long i1, NearestPatchMinima.TilePlan plan, int span,
            NDManager scope) {
        long n = form.images();
        NDArray minima = scope.full(new Shape(form.degrees(), i1 - i0, n, form.patches()), Float.POSITIVE_INFINITY,
                DataType.FLOAT32);
        try (NDManager ws = scope.newSubManager()) {
            NDList work = workspace(plan, form, span, ws);
            for (long q0 = i0; q0 < i1; q0 += plan.queryImages()) {
                long q1 = Math.min(i1, q0 + plan.queryImages());
                // earlier images are the left operand here: a product spans the query block's references
                for (long j0 = 0; j0 < q0; j0 += plan.referenceImages()) {
                    long j1 = Math.min(q0, j0 + plan.referenceImages());
                    try (NDManager tile = ws.newSubManager()) {
                        NDList out = tile(form, j0, j1, q0, q1, work, tile);
                        minima.set(new NDIndex(":, {}:{}, {}:{}, :", q0 - i0, q1 - i0, j0, j1), out.get(1));
                    }
                }
                for (long q = q0; q + 1 < q1; q++) {
                    both(form, q, q + 1, q + 1, q1, minima, i0, work, ws);
                }
                for (long j0 = q1; j0 < n; j0 += span) {
                    long j1 = Math.min(n, j0 + span);
                    try (NDManager tile = ws.newSubManager()) {
                        NDList out = tile(form, q0, q1, j0, j1, work, tile);
                        minima.set(new NDIndex(":, {}:{}, {}:{}, :", q0 - i0, q1 - i0, j0, j1), out.get(0));
                    }
                }
            }
        }
        return minima;
    }

    /**
     * What every tile of a plan gets besides the images: the references a pass takes at a time (the
     * plan's) and the workspace, a product of {@code span} references and the box sums'
     * {@link #TEMPORARIES} of a tile's size, allocated once per layer (see
     * {@link NearestPatchMinima#workspace}).
     */
    static NDList workspace(NearestPatchMinima.TilePlan plan, Form form, int span, NDManager scope) {
        long l = form.patches();
        long refs = plan.referenceImages();
        NDArray work = scope.create(new Shape(plan.queryImages() * l * l * (Math.max(span, refs) + TEMPORARIES * refs)),
                DataType.FLOAT32);
        return new NDList(scope.create(refs), work);
    }

    /**
     * Images [a0, a1) against images [b0, b1) where a precedes b, both among the store's rows (which
     * start at image {@code offset}): writes minima[:, a − offset, b] and minima[:, b − offset, a].
     */
    private static void both(Form form, long a0, long a1, long b0, long b1, NDArray minima, long offset,
            NDList work, NDManager parent) {
        if (b0 >= b1) {
            return;
        }
        try (NDManager tile = parent.newSubManager()) {
            NDList out = tile(form, a0, a1, b0, b1, work, tile);
            minima.set(new NDIndex(":, {}:{}, {}:{}, :", a0 - offset, a1 - offset, b0, b1), out.get(0));
            minima.set(new NDIndex(":, {}:{}, {}:{}, :", b0 - offset, b1 - offset, a0, a1), out.get(1));
        }
    }

    /**
     * Query images against reference images that are not among them (an inspector's bank), from the
     * queries' side only: (D, Q, M, L) float32 owned by {@code scope}, no +∞ entries. Query images are
     * blocks of the plan's query images; each product spans {@code span} references (a multiple of the
     * plan's, see {@link #PRODUCT_SPAN}), whose passes run the plan's reference images
     * at a time. Its workspace: that product and {@link #TEMPORARIES} arrays of a tile's size.
     */
    static NDArray cross(Form queries, Form references, NearestPatchMinima.TilePlan plan, int span,
            NDManager scope) {
        long q = queries.images();
        long m = references.images();
        NDArray minima = scope.create(new Shape(queries.degrees(), q, m, queries.patches()), DataType.FLOAT32);
        try (NDManager ws = scope.newSubManager()) {
            NDList work = workspace(plan, queries, span, ws);
            for (long q0 = 0; q0 < q; q0 += plan.queryImages()) {
                long q1 = Math.min(q, q0 + plan.queryImages());
                for (long j0 = 0; j0 < m; j0 += span) {
                    long j1 = Math.min(m, j0 + span);
                    try (NDManager tile = ws.newSubManager()) {
                        NDArray rows = tile(ROWS, queries, q0, q1, references, j0, j1, work, tile).singletonOrThrow();
                        minima.set(new NDIndex(":, {}:{}, {}:{}, :", q0, q1, j0, j1), rows);
                    }
                }
            }
        }
        return minima;
    }

    /** Left images [a0, a1) against right images [b0, b1): row minima (D, a, b, L) and column minima
     *  (D, b, a, L), owned by {@code scope}. */
    static NDList tile(Form form, long a0, long a1, long b0, long b1, NDList work, NDManager scope) {
        return tile(TILE, form, a0, a1, form, b0, b1, work, scope);
    }

    /** One tile of {@code module} (one of this kernel's): images [a0, a1) of {@code left} against images
     *  [b0, b1) of {@code right}, then the references per pass and the workspace ({@link #workspace}),
     *  its outputs owned by {@code scope}. */
    private static NDList tile(ScriptModule module, Form left, long a0, long a1, Form right, long b0, long b1,
            NDList rest, NDManager scope) {
        NDArray a = left.map().get(scope, new NDIndex("{}:{}", a0, a1));
        NDArray ia = left.inverseNorms().get(scope, new NDIndex(":, {}:{}", a0, a1));
        NDArray na = left.unitSquares().get(scope, new NDIndex(":, {}:{}", a0, a1));
        NDArray b = right.map().get(scope, new NDIndex("{}:{}", b0, b1));
        NDArray ib = right.inverseNorms().get(scope, new NDIndex(":, {}:{}", b0, b1));
        NDArray nb = right.unitSquares().get(scope, new NDIndex(":, {}:{}", b0, b1));
        NDList in = new NDList(a, b, ia, ib, na, nb, left.grid());
        in.addAll(rest);
        NDList out = module.forward(in);
        out.attach(scope);
        return out;
    }
}
