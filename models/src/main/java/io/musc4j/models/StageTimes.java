package io.musc4j.models;

/** Accumulated wall time of a ViT's stages, for benchmarks: attention, MLP, and norms/residuals in blocks. */
public final class StageTimes {

    private long attentionNanos;
    private long mlpNanos;
    private long blockRestNanos;

    void add(long attention, long mlp, long rest) {
        attentionNanos += attention;
        mlpNanos += mlp;
        blockRestNanos += rest;
    }

    /** Attention: packed q/k/v projection, scores, softmax, weighted sum, output projection. */
    public long attentionNanos() {
        return attentionNanos;
    }

    /** MLP: fc1, activation, fc2. */
    public long mlpNanos() {
        return mlpNanos;
    }

    /** LayerNorms, layer scale and residual adds inside blocks. */
    public long blockRestNanos() {
        return blockRestNanos;
    }
}
