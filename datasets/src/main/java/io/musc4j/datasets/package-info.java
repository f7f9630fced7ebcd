/**
 * Datasets: the test images of each category in the reference's order ({@link io.musc4j.datasets.Datasets}),
 * their labels and masks ({@link io.musc4j.datasets.Sample}), and warnings about skipped input.
 * Sub-packages: {@code layout} (one reader per dataset layout), {@code image} (decoding and mask
 * preprocessing), {@code output} (result files and the report), {@code demo} (the demo dataset).
 */
package io.musc4j.datasets;
