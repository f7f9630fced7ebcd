package io.musc4j.models;

/** The backbone families musc4j runs (SPEC §2). */
public enum Architecture {
    /** DINOv2 ViT (Hugging Face {@code model_type} dinov2): taps are final-norm block outputs. */
    DINOV2,
    /** OpenAI CLIP vision tower ({@code clip} / {@code clip_vision_model}): taps are raw block outputs. */
    CLIP
}
