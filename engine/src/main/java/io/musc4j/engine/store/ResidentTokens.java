package io.musc4j.engine.store;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import java.util.List;

/**
 * Tokens held as arrays, one (N, 1+h·w, C) per layer, as the backbone gave them. Reads are views.
 * Closing does nothing: the arrays belong to their manager.
 */
public final class ResidentTokens implements TokenStore {

    private final List<NDArray> layers;
    private final int gridH;
    private final int gridW;

    /**
     * @param layers per tapped layer (N, 1+h·w, C), all of one shape
     * @throws IllegalArgumentException if there is no layer or the shapes disagree with each other or the grid
     */
    public ResidentTokens(List<NDArray> layers, int gridH, int gridW) {
        if (layers.isEmpty()) {
            throw new IllegalArgumentException("at least one tapped layer is needed");
        }
        Shape first = layers.get(0).getShape();
        for (int li = 0; li < layers.size(); li++) {
            Shape s = layers.get(li).getShape();
            if (s.dimension() != 3 || s.get(1) != 1L + (long) gridH * gridW) {
                throw new IllegalArgumentException("layer " + li + ": expected tokens (N, 1+" + gridH * gridW
                        + ", C) for a " + gridH + "x" + gridW + " grid, got " + s);
            }
            if (s.get(0) != first.get(0)) {
                throw new IllegalArgumentException("layer " + li + " has " + s.get(0) + " images, layer 0 has "
                        + first.get(0));
            }
            if (s.get(2) != first.get(2)) {
                throw new IllegalArgumentException("layer " + li + " has " + s.get(2) + " channels, layer 0 has "
                        + first.get(2));
            }
        }
        this.layers = List.copyOf(layers);
        this.gridH = gridH;
        this.gridW = gridW;
    }

    @Override
    public int images() {
        return Math.toIntExact(layers.get(0).getShape().get(0));
    }

    @Override
    public int layers() {
        return layers.size();
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
        return layers.get(0).getShape().get(2);
    }

    @Override
    public boolean resident() {
        return true;
    }

    @Override
    public NDArray read(int layer, long from, long to, NDManager manager) {
        return layers.get(layer).get(manager, new NDIndex("{}:{}", from, to));
    }

    @Override
    public void close() {
        // the arrays belong to the caller's manager
    }
}
