/**
 * The aggregation stage: tapped tokens (N, 1+L, C) of one layer in, L2-normalised neighbourhood
 * features (N, L, C) float32 out, one set per LNAMD degree r ({@link io.musc4j.engine.lnamd.Lnamd}, the
 * paper's) or one fused set ({@link io.musc4j.engine.lnamd.Snamd}, MuSc-V2's). The stage is an
 * {@link io.musc4j.engine.lnamd.Aggregator} made by {@link io.musc4j.engine.lnamd.Aggregation#over}; it
 * reads a token store a block of images at a time ({@link io.musc4j.engine.lnamd.LayerFeatures}),
 * which gives the same values as a whole layer because both aggregate image by image. LNAMD with
 * several degrees also gives a layer as one {@link io.musc4j.engine.msm.NeighbourhoodMaps} (its
 * layer-normed map (N, L, C) and per degree (D, N, L) the box sums' inverse norms and the unit features'
 * squares; {@link io.musc4j.engine.lnamd.Lnamd#neighbourhoods}), from which MSM scores every degree
 * with one product.
 */
package io.musc4j.engine.lnamd;
