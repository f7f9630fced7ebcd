/**
 * {@code --model} arguments: a folder used as is, or a hub id {@code org/name[@revision]} resolved
 * through the Hugging Face cache (shared with Python) and downloaded when missing.
 *
 * <p>In: the argument. Out: a local folder holding one complete file set of
 * {@link io.musc4j.models.layout.ModelFiles} (transformers or timm {@code config.json}, or
 * {@code open_clip_config.json}, with their weights; safetensors preferred, only the chosen set downloaded).
 */
package io.musc4j.models.hub;
