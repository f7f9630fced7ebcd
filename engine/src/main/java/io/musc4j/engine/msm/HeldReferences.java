package io.musc4j.engine.msm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * Reference images held apart from the images scored against them (an inspector's bank): the query
 * images are scored with the MSM rule against the references only, never against each other, unless
 * {@link #queriesReferEachOther} (the tiles of one part in a tiled inspector's all pool). The
 * references are held either per pass (one feature set of one layer) or per tapped layer (every LNAMD
 * degree of the layer as one {@link NeighbourhoodMaps}, scored from one product), fixed when they are made.
 */
public interface HeldReferences {

    /** Number of references M held (at least 1 when anything is scored, unless {@link #queriesReferEachOther}). */
    int size();

    /**
     * Whether the query images of one call are also references for each other (each against the M held
     * and the other Q − 1 queries, never itself), as in a set: the tiles of one part pooled with every
     * other tile. With Q ≥ 2 the queries are then scored even against no held references.
     */
    default boolean queriesReferEachOther() {
        return false;
    }

    /** Whether the references are held per layer ({@link #scoreLayer}), else per pass ({@link #scorePass}). */
    boolean layered();

    /**
     * The query images' scores of one pass against the references.
     *
     * @param queries (Q, L, C) float32 features of the pass
     * @return (Q, L) float64 on {@code manager}
     */
    NDArray scorePass(Pass pass, NDArray queries, NDManager manager);

    /**
     * Every degree of one tapped layer of the query images scored against the references.
     *
     * @return (D, Q, L) float64 on {@code manager}, degrees in the maps' order
     */
    NDArray scoreLayer(int layer, NeighbourhoodMaps queries, NDManager manager);
}
