/**
 * Model-folder layouts: transformers ({@code config.json} with {@code model_type}), timm
 * ({@code config.json} with {@code architecture}) and open_clip ({@code open_clip_config.json}), with
 * safetensors or pickled weights ({@link io.musc4j.models.layout.ModelFiles}).
 *
 * <p>In: a folder. Out: a {@link io.musc4j.models.layout.ModelLayout.Checkpoint}: the
 * {@link io.musc4j.models.profile.ModelConfig}, the weights as a {@link io.musc4j.models.io.TensorSource} and
 * the {@link io.musc4j.models.vit.WeightMap} from stored to canonical tensor names. Configuration
 * problems are one-line {@link io.musc4j.models.io.WeightFileException}s naming the file.
 */
package io.musc4j.models.layout;
