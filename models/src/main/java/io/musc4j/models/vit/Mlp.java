package io.musc4j.models.vit;

/** The MLP of a transformer block. */
public enum Mlp {
    /** fc1 → exact (erf) GELU → fc2 (DINOv2, DINO v1, CLIP trained with GELU). */
    GELU,
    /** fc1 → x·σ(1.702x) → fc2 (OpenAI CLIP). */
    QUICK_GELU,
    /**
     * SwiGLU (DINOv2 giant): fc1 of width 2H gives x1 (first H) and x2 (last H); fc2 reads
     * {@code silu(x1) ⊙ x2}. The "intermediate size" of such a block is H.
     */
    SWIGLU;

    /** The width of fc1's output for an MLP of intermediate size {@code hidden}. */
    public int fc1Width(int hidden) {
        return this == SWIGLU ? 2 * hidden : hidden;
    }
}
