/**
 * {@code --model} arguments: a folder used as is, or a hub id {@code org/name[@revision]} resolved
 * through the Hugging Face cache (shared with Python) and downloaded when missing.
 *
 * <p>In: the argument. Out: a local folder holding {@code config.json} and safetensors weights.
 */
package io.musc4j.models.hub;
