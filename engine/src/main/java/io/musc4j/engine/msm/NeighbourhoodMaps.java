package io.musc4j.engine.msm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.Optional;

/**
 * One tapped layer's LNAMD features at every degree, in the form that lets MSM score all degrees from
 * one product ({@link NeighbourhoodMinima}): the layer-normed map F (N, L, C), whose degree-r feature
 * of patch p is the unit vector of the r×r box sum of F around p, and per degree the inverse norms of
 * those box sums. Read a block of images at a time, as {@link FeatureChunks} are.
 */
public interface NeighbourhoodMaps {

    /** Number of images N. */
    long images();

    /** Patch rows h of the grid. */
    int gridH();

    /** Patch columns w of the grid. */
    int gridW();

    /** Channels C. */
    long channels();

    /** The odd degrees r, in the order of the feature sets. */
    List<Integer> degrees();

    /** Patches per image L = h·w. */
    default long patches() {
        return (long) gridH() * gridW();
    }

    /** Images [from, to), owned by {@code manager}. */
    Block read(long from, long to, NDManager manager);

    /** All N images where they are resident already (the scorer then uses them in place, with no copy);
     *  empty where they are computed as they are read. */
    default Optional<Block> resident() {
        return Optional.empty();
    }

    /**
     * All N images in arrays owned by {@code manager}, read {@code chunk} images at a time (so that the
     * aggregation's temporaries stay a chunk's size), or the resident block itself where there is one.
     */
    default Block readAll(int chunk, NDManager manager) {
        Optional<Block> resident = resident();
        if (resident.isPresent()) {
            return resident.get();
        }
        long n = images();
        int d = degrees().size();
        NDArray map = manager.create(new Shape(n, patches(), channels()), DataType.FLOAT32);
        NDArray inverse = manager.create(new Shape(d, n, patches()), DataType.FLOAT32);
        NDArray squares = manager.create(new Shape(d, n, patches()), DataType.FLOAT32);
        for (long j0 = 0; j0 < n; j0 += chunk) {
            long j1 = Math.min(n, j0 + chunk);
            try (NDManager part = manager.newSubManager()) {
                Block block = read(j0, j1, part);
                map.set(new NDIndex("{}:{}", j0, j1), block.map());
                inverse.set(new NDIndex(":, {}:{}", j0, j1), block.inverseNorms());
                squares.set(new NDIndex(":, {}:{}", j0, j1), block.unitSquares());
            }
        }
        return new Block(map, inverse, squares);
    }

    /** A whole resident block as maps read in slices of it, on an h×w grid at these degrees. */
    static NeighbourhoodMaps of(Block whole, int gridH, int gridW, List<Integer> degrees) {
        List<Integer> rs = List.copyOf(degrees);
        return new NeighbourhoodMaps() {
            @Override
            public long images() {
                return whole.map().getShape().get(0);
            }

            @Override
            public int gridH() {
                return gridH;
            }

            @Override
            public int gridW() {
                return gridW;
            }

            @Override
            public long channels() {
                return whole.map().getShape().get(2);
            }

            @Override
            public List<Integer> degrees() {
                return rs;
            }

            @Override
            public Block read(long from, long to, NDManager manager) {
                return new Block(whole.map().get(manager, new NDIndex("{}:{}", from, to)),
                        whole.inverseNorms().get(manager, new NDIndex(":, {}:{}", from, to)),
                        whole.unitSquares().get(manager, new NDIndex(":, {}:{}", from, to)));
            }

            @Override
            public Optional<Block> resident() {
                return Optional.of(whole);
            }
        };
    }

    /**
     * A block of n images.
     *
     * @param map (n, L, C) float32 layer-normed map, patches in row-major grid order
     * @param inverseNorms (D, n, L) float32: per degree, 1 / ‖box sum of the map around the patch‖
     * @param unitSquares (D, n, L) float32: per degree, ‖u‖² of the patch's unit feature u as float32 gives
     *     it (1 up to rounding): the distance is ‖a‖² + ‖b‖² − 2a·b as the reference's {@code cdist} forms
     *     it, so that its rounding follows the reference's rather than that of 2 − 2a·b
     */
    record Block(NDArray map, NDArray inverseNorms, NDArray unitSquares) {
    }
}
