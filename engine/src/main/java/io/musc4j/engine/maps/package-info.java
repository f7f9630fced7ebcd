/**
 * The maps stage: patch maps (N, h·w) float64 in; pixel maps (N, S, S), bilinear with align corners
 * in float64 ({@link io.musc4j.engine.maps.AlignCornersUpsampler}), and image scores before RsCIN, the
 * maximum of each pixel map, out ({@link io.musc4j.engine.maps.PixelMaps}, the only place maps are made).
 */
package io.musc4j.engine.maps;
