/**
 * The image re-scoring stage: image scores before RsCIN (N) float64 and image features (N, D) float32
 * in; RsCIN's scores (N) float32 on the set's [0, 1] scale out, or, with
 * {@link io.musc4j.engine.rscin.RscinWindows#off()}, the scores unchanged ({@link io.musc4j.engine.rscin.Rscin}).
 */
package io.musc4j.engine.rscin;
