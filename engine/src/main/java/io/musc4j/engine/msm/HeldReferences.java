package io.musc4j.engine.msm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * Reference images held apart from the images scored against them (an inspector's bank): the query
 * images are scored with the MSM rule against the references only, never against each other. The
 * references are held either per pass (one feature set of one layer) or per tapped layer (every LNAMD
 * degree of the layer as one {@link NeighbourhoodMaps}, scored from one product), fixed when they are made.
 */
public interface HeldReferences {

    /** Number of references M (at least 1 when anything is scored). */
    int size();

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
