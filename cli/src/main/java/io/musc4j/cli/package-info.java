/**
 * The {@code musc} command line: options in ({@link io.musc4j.cli.RunCommand}), one validated
 * {@code MuscConfig} made of them before any dataset or model is read ({@link io.musc4j.cli.RunJob}),
 * then category by category: {@code scores.csv}, heatmaps, raw maps, {@code category.json}
 * ({@link io.musc4j.cli.CategoryRun}, {@link io.musc4j.cli.CategorySummary}) and run-level
 * {@code metrics.json}, {@code metrics.md}, {@code report.html}, {@code run.json} (whose {@code config}
 * is the configuration's canonical description, what {@code --resume} compares). Errors are one line
 * ({@link io.musc4j.cli.OneLineErrors}).
 */
package io.musc4j.cli;
