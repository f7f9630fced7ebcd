/**
 * What {@code musc run} does, shared by the command line ({@code cli}) and the Spark job
 * ({@code spark}), so that neither imports the other: options in ({@link io.musc4j.run.RunCommand}),
 * one validated {@code MuscConfig} made of them before any dataset or model is read
 * ({@link io.musc4j.run.RunJob}), the output folder checked before any compute
 * ({@link io.musc4j.run.OutputFolder}), then category by category: {@code scores.csv}, heatmaps, raw
 * maps, {@code category.json} ({@link io.musc4j.run.CategoryRun}, {@link io.musc4j.run.CategorySummary})
 * and run-level {@code metrics.json}, {@code metrics.md}, {@code report.html}, {@code run.json} (whose
 * {@code config} is the configuration's canonical description, what {@code --resume} compares).
 * Errors are one line ({@link io.musc4j.run.OneLineErrors}); exit codes are {@link io.musc4j.run.ExitCodes}.
 */
package io.musc4j.run;
