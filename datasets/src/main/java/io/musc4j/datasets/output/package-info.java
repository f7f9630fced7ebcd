/**
 * Result files of a run, all written atomically: {@code scores.csv}, raw maps ({@code .npy}), heatmap
 * overlays, {@code metrics.json}/{@code metrics.md} and the self-contained {@code report.html}.
 */
package io.musc4j.datasets.output;
