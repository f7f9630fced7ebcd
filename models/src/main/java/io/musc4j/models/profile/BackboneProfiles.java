package io.musc4j.models.profile;

import io.musc4j.models.preprocess.Preprocessing;
import io.musc4j.models.vit.PosEmbedResize;
import io.musc4j.models.vit.VitRecipe;

/** Every backbone family musc4j runs. */
public final class BackboneProfiles {

    /**
     * DINOv2 (SPEC §2a): layer scale, taps through the final norm with the CLS row zeroed, the
     * final-normed CLS as image feature, position embeddings resized by offset scale factors.
     */
    public static final BackboneProfile DINOV2 = new BackboneProfile("dinov2", Preprocessing.dinov2(),
            new VitRecipe(true, false, true, VitRecipe.Tap.FINAL_NORM_ZERO_CLS, VitRecipe.ImageFeature.FINAL_NORM_CLS,
                    PosEmbedResize.Rule.OFFSET_SCALE, VitRecipe.TapAnchor.FIRST));

    /**
     * DINOv2 with register tokens: extra learned tokens after the class token, dropped from the taps;
     * transformers resizes its position embedding with {@code size=g, antialias=True}. No reference run
     * exists (the official MuSc code has no registers); tested against its definition.
     */
    public static final BackboneProfile DINOV2_WITH_REGISTERS = new BackboneProfile("dinov2_with_registers",
            Preprocessing.dinov2(), new VitRecipe(true, false, true, VitRecipe.Tap.FINAL_NORM_ZERO_CLS,
                    VitRecipe.ImageFeature.FINAL_NORM_CLS, PosEmbedResize.Rule.SIZE_ANTIALIAS, VitRecipe.TapAnchor.FIRST));

    /**
     * DINO v1 (SPEC §2d): no layer scale; every tap goes through the final norm and keeps its CLS row; the
     * taps are anchored at the last block; the image feature is the final-normed CLS; position embeddings
     * follow DINOv2's rule; images are prepared as for DINOv2.
     */
    public static final BackboneProfile DINO = new BackboneProfile("dino", Preprocessing.dinov2(),
            new VitRecipe(true, false, false, VitRecipe.Tap.FINAL_NORM, VitRecipe.ImageFeature.FINAL_NORM_CLS,
                    PosEmbedResize.Rule.OFFSET_SCALE, VitRecipe.TapAnchor.LAST));

    /**
     * CLIP's vision tower (SPEC §2b): no patch bias, a pre-norm, raw block outputs as taps, the projected
     * and L2-normalised CLS as image feature, the position embedding resized to size g; images resized
     * bicubically and normalised with OpenAI's statistics.
     */
    public static final BackboneProfile CLIP = new BackboneProfile("clip", Preprocessing.clip(),
            new VitRecipe(false, true, false, VitRecipe.Tap.RAW, VitRecipe.ImageFeature.PROJECTED_UNIT,
                    PosEmbedResize.Rule.SIZE, VitRecipe.TapAnchor.FIRST));

    private BackboneProfiles() {
    }
}
