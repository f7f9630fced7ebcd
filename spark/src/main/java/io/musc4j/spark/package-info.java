/**
 * {@code musc run} on Apache Spark (3.5, Scala 2.13): the command's options and files, with the work
 * spread over a cluster.
 *
 * <p>In: musc run's arguments as strings (every task parses them itself) plus {@link
 * io.musc4j.spark.SparkOptions}; dataset and output locations on any Hadoop file system. Out: the files
 * {@code musc run} writes, each category folder published whole. Categories mode sends one category
 * to a task ({@code CategoryJobs}); split mode ({@code SplitJob}) writes per-pass LNAMD features
 * (n, L, C) float32 chunk files from image partitions, scores (B, L) float64 query blocks against all
 * N images per pass, and finishes on the driver; a tiled run is split so with its tiles as the images,
 * per tile set, and stitched on the driver. {@code StageRunner} is the only class that touches
 * the engine's internals; no NDArray leaves it.
 */
package io.musc4j.spark;
