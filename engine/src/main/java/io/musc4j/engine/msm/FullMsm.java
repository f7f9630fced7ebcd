package io.musc4j.engine.msm;

import io.musc4j.models.Precision;
import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import java.util.ArrayList;
import java.util.List;

/**
 * Full MSM (Mutual Scoring Mechanism, MuSc §3.3), the reference's {@link PatchScorer}: the unlabeled
 * test images score each other, every patch against every patch.
 *
 * <p>For patch p of image i and every other image j, take the distance from p to its nearest patch
 * of j ({@link NearestPatchMinima}). Normal patches find close matches in most images; an anomalous
 * patch finds close matches in few. So the score of p is the mean of the smallest of these N−1
 * distances, those ranked in the {@link MsmInterval} (by default the lowest 30 %).
 *
 * <p><b>Memory.</b> The interval average needs, per patch, all N−1 nearest-image distances. Two ways
 * to get them ({@link #plan}): <i>symmetric</i> computes each unordered image pair once and keeps the
 * whole (N, N, L) float32 store, which grows with N²; <i>query blocks</i> computes a block of query
 * images against all N, averages it and frees it, so memory grows only linearly in N, at twice the
 * products. The symmetric way is taken whenever its store fits the budget. Both give the same
 * numbers up to float32 rounding of the products (a distance is read from the other image's side).
 */
public final class FullMsm implements PatchScorer {

    /**
     * Bytes per distance while it is averaged: the row's copy, topK's contiguous input, its float32
     * values and int64 indices over the row, and the kept ranks (measured with ScaleBench; 24 B).
     */
    static final long AVERAGE_BYTES = 4 + 4 + 12 + 4;
    /** Bytes per distance of the minima store. */
    static final long STORE_BYTES = 4;
    /** The kernel's tile gets this share of the budget, but at least one whole image pair (on a CPU it
     *  stays near the cache size anyway). */
    static final int TILE_SHARE = 4;

    private final Precision precision;
    private final MsmInterval interval;
    private final long budgetBytes;
    /** The device tiles are planned for; null: the one that computes. */
    private final Device plannedFor;

    /**
     * @param budgetBytes workspace budget of MSM besides the product form: the minima store (whole or
     *     one query block), one tile of the kernel (a quarter of it) and one chunk of the interval
     *     average. A budget too small for one image pair's tile and one query image is exceeded by
     *     those.
     */
    public FullMsm(MsmInterval interval, long budgetBytes, Precision precision) {
        this(interval, budgetBytes, precision, null);
    }

    /**
     * MSM whose tiles are planned for {@code plannedFor} whatever device computes them: a test runs the
     * tiles a GPU would get on a CPU, where the numbers can be checked.
     */
    FullMsm(MsmInterval interval, long budgetBytes, Precision precision, Device plannedFor) {
        this.precision = precision;
        this.interval = interval;
        this.budgetBytes = budgetBytes;
        this.plannedFor = plannedFor;
    }

    /** The kernel for features of L patches with C channels: its tile gets a quarter of the budget,
     *  but at least the left operand and one whole image pair. */
    public NearestPatchMinima kernel(long patches, long channels) {
        long pair = (3 * (channels + 2) + patches) * patches * precision.bytes();
        return new NearestPatchMinima(Math.max(budgetBytes / TILE_SHARE, pair), precision);
    }

    /** The plan for N images of L patches with C channels on a device. */
    @Override
    public ScoringPlan plan(long images, long patches, long channels, Device device) {
        NearestPatchMinima.TilePlan tile = kernel(patches, channels).plan(patches, channels, device);
        return plan(images, patches, 1, tile, tile.bytes(), images * patches * (channels + 2) * precision.bytes());
    }

    /**
     * The symmetric store of {@code sets} feature sets when it fits beside the tile and one averaging
     * chunk, else query blocks as large as the budget allows.
     */
    private ScoringPlan plan(long images, long patches, long sets, NearestPatchMinima.TilePlan tile, long tileBytes,
            long referenceBytes) {
        long row = images * patches;
        long store = sets * images * row * STORE_BYTES;
        long free = budgetBytes - tileBytes - store;
        if (free >= row * AVERAGE_BYTES) {
            long rows = Math.min(images, free / (row * AVERAGE_BYTES));
            return new ScoringPlan(true, (int) rows, tile, store + rows * row * AVERAGE_BYTES + tileBytes,
                    referenceBytes);
        }
        long rows = Math.max(1, Math.min(images, (budgetBytes - tileBytes) / (row * (sets * STORE_BYTES
                + AVERAGE_BYTES))));
        return new ScoringPlan(false, (int) rows, tile, rows * row * (sets * STORE_BYTES + AVERAGE_BYTES) + tileBytes,
                referenceBytes);
    }

    /**
     * MSM scores of one layer at one aggregation degree.
     *
     * @param z (N, L, C) L2-normalised LNAMD features, N ≥ 2
     * @return (N, L) float64 on z's manager
     */
    public NDArray score(NDArray z) {
        return score(FeatureChunks.of(z), plan(z.getShape().get(0), z.getShape().get(1), z.getShape().get(2),
                z.getDevice()).tile().referenceImages(), z.getManager());
    }

    /**
     * MSM scores of features read in chunks: they are copied into the kernel's product form
     * {@code chunkImages} images at a time, and never exist whole unless the source holds them. Takes
     * the symmetric way when its store fits the budget, else query blocks ({@link #plan}).
     *
     * @param z (N, L, C) L2-normalised features, N ≥ 2
     * @param chunkImages images per read of {@code z}
     * @param manager owner of the result; its device runs the kernel
     * @return (N, L) float64 on {@code manager}
     */
    public NDArray score(FeatureChunks z, int chunkImages, NDManager manager) {
        long n = checked(z);
        ScoringPlan plan = plan(n, z.patches(), z.channels(), plannedFor != null ? plannedFor : manager.getDevice());
        return scoreRows(z, chunkImages, 0, n, plan.symmetric(), plan, manager);
    }

    @Override
    public NDArray score(Pass pass, FeatureChunks features, int chunkImages, NDManager manager) {
        return score(features, chunkImages, manager);
    }

    /** Query images [from, to) against all N, from the queries' side (the query-block way). */
    @Override
    public NDArray scoreBlock(Pass pass, FeatureChunks z, int chunkImages, long from, long to, NDManager manager) {
        long n = checked(z);
        if (from < 0 || to > n || from >= to) {
            throw new IndexOutOfBoundsException("MSM: query images [" + from + ", " + to + ") of " + n);
        }
        ScoringPlan plan = plan(n, z.patches(), z.channels(), plannedFor != null ? plannedFor : manager.getDevice());
        return scoreRows(z, chunkImages, from, to, false, plan, manager);
    }

    /** The references in the kernel's product form, which {@link #scoreBlock} then reads as they are. */
    @Override
    public FeatureChunks hold(FeatureChunks features, int chunkImages, NDManager manager) {
        NearestPatchMinima kernel = kernel(features.patches(), features.channels());
        return NearestPatchMinima.ProductForm.of(features, kernel.precision(), chunkImages, manager).asFeatures();
    }

    /**
     * Full MSM can score every degree of a layer from one product ({@link NeighbourhoodMinima}) where the
     * products are float32 (box sums of half-precision products would lose the digits the unit features
     * keep) and a tile holds whole query images.
     */
    @Override
    public boolean scoresNeighbourhoods(long images, long patches, long channels, int degrees, Device device) {
        Device planned = plannedFor != null ? plannedFor : device;
        NearestPatchMinima.TilePlan tile = neighbourhoodTile(images, patches, channels, planned);
        // the store of every degree may not fit where one pass's does: each pair once per pass then beats
        // each pair twice (query blocks) for all degrees
        return tile != null && degrees >= 1 && (planNeighbourhoods(images, patches, channels, degrees, tile)
                .symmetric() || !plan(images, patches, channels, planned).symmetric());
    }

    /**
     * The workspace of one tile of {@link #scoreNeighbourhoods}: its product, the product-sized
     * temporaries of the box sums and its minima; 0 where the maps are scored pass by pass.
     */
    public long neighbourhoodTileBytes(long images, long patches, long channels, Device device) {
        NearestPatchMinima.TilePlan tile = neighbourhoodTile(images, patches, channels,
                plannedFor != null ? plannedFor : device);
        return tile == null ? 0 : neighbourhoodTileBytes(tile, patches);
    }

    /** A tile's own bytes, its products beyond the first (a product spans tiles) and the passes'
     *  temporaries. */
    private long neighbourhoodTileBytes(NearestPatchMinima.TilePlan tile, long patches) {
        return tile.bytes() + (spanTiles(tile, patches) - 1 + NeighbourhoodMinima.TEMPORARIES)
                * tileProductBytes(tile, patches);
    }

    @Override
    public NDArray scoreNeighbourhoods(NeighbourhoodMaps maps, int chunkImages, NDManager manager) {
        return scoreNeighbourhoods(maps, chunkImages, 0, maps.images(), true, manager);
    }

    @Override
    public NDArray scoreNeighbourhoodsBlock(NeighbourhoodMaps maps, int chunkImages, long from, long to,
            NDManager manager) {
        if (from < 0 || to > maps.images() || from >= to) {
            throw new IndexOutOfBoundsException("MSM: query images [" + from + ", " + to + ") of " + maps.images());
        }
        return scoreNeighbourhoods(maps, chunkImages, from, to, false, manager);
    }

    private NDArray scoreNeighbourhoods(NeighbourhoodMaps maps, int chunkImages, long from, long to,
            boolean symmetricIfItFits, NDManager manager) {
        Device device = plannedFor != null ? plannedFor : manager.getDevice();
        NearestPatchMinima.TilePlan tile = neighbourhoodTile(maps.images(), maps.patches(), maps.channels(), device);
        // what must hold; whether it is also the faster way (scoresNeighbourhoods) is the caller's choice
        if (tile == null) {
            throw new UnsupportedOperationException("MSM: these maps are scored pass by pass (" + precision
                    + " products, " + maps.images() + " images of " + maps.patches() + " patches)");
        }
        ScoringPlan plan = planNeighbourhoods(maps.images(), maps.patches(), maps.channels(), maps.degrees().size(),
                tile);
        long n = maps.images();
        try (NDManager scope = manager.newSubManager()) {
            NeighbourhoodMinima.Form form = NeighbourhoodMinima.Form.of(maps, chunkImages, scope);
            int span = span(tile, n, maps.patches());
            NDArray store = symmetricIfItFits && plan.symmetric() ? NeighbourhoodMinima.mutual(form, tile, span, scope)
                    : null;
            NDArray scores = averaged(n, from, to, plan.rowsPerBlock(), maps.degrees().size(),
                    (i0, i1, block) -> store != null ? store.get(block, new NDIndex(":, {}:{}", i0, i1))
                            : NeighbourhoodMinima.queries(form, i0, i1, tile, span, block), scope);
            scores.attach(manager);
            return scores;
        }
    }

    /**
     * Every degree of one layer of query images scored against M reference images that are not among
     * them (an inspector's bank): per patch, the interval average of its M nearest-image distances, from
     * one product per tile as {@link #scoreNeighbourhoods}.
     *
     * @param queries the query images' maps (scored whole: they are few)
     * @param references the references' maps, resident (as a bank holds them) or read in chunks
     * @return (D, Q, L) float64 on {@code manager}, degrees in the maps' order
     * @throws UnsupportedOperationException where the kernel cannot take the maps ({@link #scoresNeighbourhoods})
     */
    public NDArray scoreNeighbourhoodsAgainst(NeighbourhoodMaps queries, NeighbourhoodMaps references,
            NDManager manager) {
        return scoreNeighbourhoodsAgainst(queries, references, false, manager);
    }

    /**
     * {@link #scoreNeighbourhoodsAgainst(NeighbourhoodMaps, NeighbourhoodMaps, NDManager)}, where with
     * {@code amongQueries} the Q query images are also references for each other (never for themselves):
     * per patch the interval average of its M + Q − 1 nearest-image distances, the query images' rows of
     * MuSc on the M references and the Q queries as one set. The pairs among the queries are oriented as
     * in a set ({@link NeighbourhoodMinima#mutual}).
     *
     * @param references the references' maps; null where there are none yet (then {@code amongQueries}
     *     and Q ≥ 2)
     */
    public NDArray scoreNeighbourhoodsAgainst(NeighbourhoodMaps queries, NeighbourhoodMaps references,
            boolean amongQueries, NDManager manager) {
        long m = references == null ? 0 : references.images();
        long k = queries.images();
        if (m + (amongQueries ? k - 1 : 0) < 1) {
            throw new IllegalArgumentException("MSM: no reference to score the query images against");
        }
        if (references != null && (queries.patches() != references.patches()
                || queries.channels() != references.channels() || !queries.degrees().equals(references.degrees()))) {
            throw new IllegalArgumentException("MSM: query maps (" + queries.patches() + " patches, "
                    + queries.channels() + " channels, degrees " + queries.degrees() + ") and reference maps ("
                    + references.patches() + ", " + references.channels() + ", " + references.degrees() + ") differ");
        }
        Device device = plannedFor != null ? plannedFor : manager.getDevice();
        // one more image than the references (or the queries among themselves): the kernel's tile is that
        // of a set of queries and references
        NearestPatchMinima.TilePlan tile = neighbourhoodTile(amongQueries ? m + k : m + 1, queries.patches(),
                queries.channels(), device);
        if (tile == null) {
            throw new UnsupportedOperationException("MSM: these maps are scored pass by pass (" + precision
                    + " products, " + m + " references of " + queries.patches() + " patches)");
        }
        if (m > 0 && k < tile.queryImages()) {
            // fewer queries than the tile was planned for (one part on the line): more references per
            // product, so that the product keeps the size measured fastest
            tile = new NearestPatchMinima.TilePlan((int) k,
                    (int) Math.min(m, (long) tile.referenceImages() * tile.queryImages() / k), tile.queryPatches(),
                    tile.bytes());
        }
        try (NDManager scope = manager.newSubManager()) {
            NeighbourhoodMinima.Form q = NeighbourhoodMinima.Form.of(queries, Math.toIntExact(k), scope);
            NDArray minima = null;
            if (m > 0) {
                NeighbourhoodMinima.Form r = NeighbourhoodMinima.Form.of(references, tile.referenceImages(), scope);
                minima = NeighbourhoodMinima.cross(q, r, tile, span(tile, m, queries.patches()), scope);
            }
            if (amongQueries) {
                // +∞ where a query meets itself: it ranks last and is no candidate
                NDArray own = NeighbourhoodMinima.mutual(q, tile, span(tile, k, queries.patches()), scope);
                minima = minima == null ? own : minima.concat(own, 2);
            }
            int candidates = Math.toIntExact(m + (amongQueries ? k - 1 : 0));
            NDList perDegree = new NDList();
            for (int d = 0; d < queries.degrees().size(); d++) {
                perDegree.add(interval.average(minima.get(scope, new NDIndex("{}", d)), candidates));
            }
            NDArray scores = NDArrays.stack(perDegree);
            scores.attach(manager);
            return scores;
        }
    }

    /**
     * The references one product of {@link NeighbourhoodMinima} spans among {@code references}: up to
     * {@link NeighbourhoodMinima#PRODUCT_SPAN} tiles' worth, as long as that product and the passes'
     * temporaries stay within the tile's share of the budget.
     */
    private int span(NearestPatchMinima.TilePlan tile, long references, long patches) {
        return (int) Math.max(1, Math.min(references, spanTiles(tile, patches) * tile.referenceImages()));
    }

    /** How many tiles' references a product spans ({@link #span}), before the count of references. */
    private long spanTiles(NearestPatchMinima.TilePlan tile, long patches) {
        long room = budgetBytes / TILE_SHARE / Math.max(1, tileProductBytes(tile, patches)) - NeighbourhoodMinima.TEMPORARIES;
        return Math.max(1, Math.min(NeighbourhoodMinima.PRODUCT_SPAN, room));
    }

    private static long tileProductBytes(NearestPatchMinima.TilePlan tile, long patches) {
        return (long) tile.queryImages() * patches * tile.referenceImages() * patches * Float.BYTES;
    }

    /** The nearest-image distances of query images [i0, i1), (sets, i1 − i0, N, L), owned by {@code block}. */
    @FunctionalInterface
    private interface BlockMinima {
        NDArray of(long i0, long i1, NDManager block);
    }

    /**
     * The interval average of every set's minima, query images [from, to) a block of {@code rowsPerBlock}
     * at a time: (sets, to − from, L) float64 owned by {@code scope}.
     */
    private NDArray averaged(long images, long from, long to, int rowsPerBlock, int sets, BlockMinima minima,
            NDManager scope) {
        List<NDList> parts = new ArrayList<>();
        for (int d = 0; d < sets; d++) {
            parts.add(new NDList());
        }
        for (long i0 = from; i0 < to; i0 += rowsPerBlock) {
            long i1 = Math.min(to, i0 + rowsPerBlock);
            try (NDManager block = scope.newSubManager()) {
                NDArray m = minima.of(i0, i1, block);
                for (int d = 0; d < sets; d++) {
                    NDArray mean = interval.average(m.get(block, new NDIndex("{}", d)), (int) images - 1);
                    mean.attach(scope);
                    parts.get(d).add(mean);
                }
            }
        }
        NDList perSet = new NDList();
        for (NDList p : parts) {
            perSet.add(p.size() == 1 ? p.get(0) : NDArrays.concat(p, 0));
        }
        return NDArrays.stack(perSet);
    }

    /** The neighbourhood kernel's tile: its own measured product size ({@link ProductSizing#ofNeighbourhoods})
     *  in a tile budget that also holds its temporaries; null where the kernel cannot score the maps
     *  (half-precision products, fewer than two images, or a query image that would have to be split). */
    private NearestPatchMinima.TilePlan neighbourhoodTile(long images, long patches, long channels, Device device) {
        if (precision != Precision.FP32 || images < 2) {
            return null;
        }
        long pair = (3 * (channels + 2) + patches) * patches * precision.bytes();
        long budget = Math.max(budgetBytes / TILE_SHARE / (1 + NeighbourhoodMinima.TEMPORARIES), pair);
        NearestPatchMinima sizer = new NearestPatchMinima(budget, precision);
        NearestPatchMinima.TilePlan tile = device.isGpu() ? sizer.plan(patches, channels, device)
                : sizer.plan(patches, channels, ProductSizing.ofNeighbourhoods(patches, channels).productBytes());
        return NeighbourhoodMinima.fits(tile, patches) ? tile : null;
    }

    @Override
    public ScoringPlan planNeighbourhoods(long images, long patches, long channels, int degrees, Device device) {
        if (!scoresNeighbourhoods(images, patches, channels, degrees, device)) {
            return plan(images, patches, channels, device);
        }
        return planNeighbourhoods(images, patches, channels, degrees,
                neighbourhoodTile(images, patches, channels, plannedFor != null ? plannedFor : device));
    }

    /** As {@link #plan}, with a store of every degree, the tile's temporaries and the maps' form. */
    private ScoringPlan planNeighbourhoods(long images, long patches, long channels, long degrees,
            NearestPatchMinima.TilePlan tile) {
        return plan(images, patches, degrees, tile, neighbourhoodTileBytes(tile, patches),
                images * patches * (channels + 2 * degrees) * Float.BYTES);
    }

    private static long checked(FeatureChunks z) {
        long n = z.images();
        if (n < 2) {
            throw new IllegalArgumentException("MSM needs at least 2 images to score each other, got " + n);
        }
        return n;
    }

    private NDArray scoreRows(FeatureChunks z, int chunkImages, long from, long to, boolean symmetric,
            ScoringPlan plan, NDManager manager) {
        long n = z.images();
        NearestPatchMinima kernel = kernel(z.patches(), z.channels());
        try (NDManager scope = manager.newSubManager()) {
            NearestPatchMinima.ProductForm ops = NearestPatchMinima.ProductForm.of(z, kernel.precision(), chunkImages, scope);
            NDArray store = symmetric ? kernel.mutual(ops, plan.tile()) : null;
            // one set: the (rows, N, L) minima as (1, rows, N, L)
            NDArray scores = averaged(n, from, to, plan.rowsPerBlock(), 1,
                    (i0, i1, block) -> (store != null ? store.get(block, new NDIndex("{}:{}", i0, i1))
                            : kernel.queries(ops, i0, i1, plan.tile(), block)).expandDims(0), scope).get(0);
            scores.attach(manager);
            return scores;
        }
    }
}
