/**
 * MuSc for a production line, one part at a time: the {@link io.musc4j.engine.inspect.Inspector} takes
 * an image, runs it through the MuSc instance's pipeline with a bank of the last M parts' features
 * (one (M, L, C+2) ring per pass) as the patch scorer, and returns an
 * {@link io.musc4j.engine.inspect.Inspection}: score, S×S map, {@link io.musc4j.engine.inspect.Verdict}
 * against a fixed or robust ({@link io.musc4j.engine.inspect.RobustThreshold}) threshold, and the
 * anomalous {@link io.musc4j.engine.inspect.Region regions} of the map. Parts cut into tiles go to a
 * {@link io.musc4j.engine.inspect.TiledInspector}, whose banks pool the tiles by position or all together.
 */
package io.musc4j.engine.inspect;
