/**
 * The reference's image preprocessing (SPEC §1): exact Pillow resize, then per-channel normalisation.
 *
 * <p>In: an 8-bit {@link io.musc4j.common.image.RgbImage} and the input size S. Out: a (3, S, S) float32
 * network input, channel-major.
 */
package io.musc4j.models.preprocess;
