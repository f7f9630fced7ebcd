/**
 * Result files of a run, all written atomically. In: per image its path, label, scores, verdict and the
 * S×S float map (row-major), the S×S input image and 0/1 masks; per category its threshold and colour
 * range. Out: {@code scores.csv} (one row per image), raw maps ({@code .npy}, S×S float32), heatmap
 * panels (input | overlay | colour bar, S rows), binary masks (S×S, 0/255 PNG), {@code metrics.json} /
 * {@code metrics.md} and the self-contained {@code report.html}. {@link io.musc4j.datasets.output.ResultPaths}
 * gives each image of a category a distinct output name.
 */
package io.musc4j.datasets.output;
