package io.musc4j.spark;

import com.google.gson.Gson;
import com.google.gson.JsonObject;
import io.musc4j.run.CategorySummary;
import io.musc4j.run.RunJob;
import io.musc4j.datasets.Category;
import io.musc4j.datasets.Warnings;
import io.musc4j.engine.MuSc;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.spark.api.java.JavaFutureAction;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function;

/**
 * Many categories at once: one Spark job of one task per category, all submitted together, so that
 * the executors score different categories in parallel. Each task runs the whole MuSc pipeline on its
 * category ({@code musc run}'s own code) and uploads the category's folder under a temporary name; the
 * driver lists it in the manifest and moves it into place ({@link OutputLocation#commit}). A category
 * whose job fails (after Spark's retries) is reported and the others go on.
 */
final class CategoryJobs {

    private static final Gson GSON = new Gson();

    private CategoryJobs() {
    }

    /** What the run's categories came to. */
    record Outcome(Map<String, CategorySummary> results, Map<String, String> failures) {
    }

    static Outcome run(JavaSparkContext sc, RunContext context, OutputLocation output, List<Category> categories,
            Warnings warnings, io.musc4j.engine.ProgressListener progress) {
        Map<String, JavaFutureAction<List<String>>> jobs = new LinkedHashMap<>();
        for (Category c : categories) {
            sc.setJobDescription("category " + c.name());
            jobs.put(c.name(), sc.parallelize(List.of(c.name()), 1).map(new Task(context)).collectAsync());
        }
        sc.setJobDescription(null);
        Map<String, CategorySummary> results = new LinkedHashMap<>();
        Map<String, String> failures = new LinkedHashMap<>();
        int done = 0;
        progress.progress("categories", 0, jobs.size());
        for (Map.Entry<String, JavaFutureAction<List<String>>> e : jobs.entrySet()) {
            try {
                JsonObject r = GSON.fromJson(e.getValue().get().get(0), JsonObject.class);
                r.getAsJsonArray("warnings").forEach(w -> warnings.add(w.getAsString()));
                List<String> files = new ArrayList<>();
                r.getAsJsonArray("files").forEach(f -> files.add(f.getAsString()));
                output.commit(e.getKey(), new org.apache.hadoop.fs.Path(r.get("staged").getAsString()), files);
                results.put(e.getKey(), CategorySummary.fromJson(r.get("summary").getAsString()));
            } catch (IOException ex) {
                failures.put(e.getKey(), "cannot publish its folder: " + SparkRun.describe(ex));
                System.err.println("musc: " + e.getKey() + ": failed: " + failures.get(e.getKey()));
            } catch (ExecutionException ex) {
                failures.put(e.getKey(), SparkRun.describe(ex.getCause()));
                System.err.println("musc: " + e.getKey() + ": failed: " + failures.get(e.getKey()));
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for category " + e.getKey(), ex);
            }
            progress.progress("categories", ++done, jobs.size());
        }
        return new Outcome(results, failures);
    }

    /** The executor's side: one category, scored and uploaded beside its place. */
    static final class Task implements Function<String, String> {
        private static final long serialVersionUID = 1L;
        private final RunContext context;

        Task(RunContext context) {
            this.context = context;
        }

        @Override
        public String call(String category) throws Exception {
            Path scratch = RunContext.scratch("musc4j-category");
            try {
                Path out = scratch.resolve("out");
                RunJob job = context.job(context.localData(category, scratch), out, category);
                List<String> lines = new ArrayList<>();
                Warnings warnings = RunContext.collecting(lines);
                Category c = job.categories(RunContext.collecting(new ArrayList<>())).get(0);
                MuSc musc = ExecutorCache.model(context.runArgs(), job);
                CategorySummary summary;
                synchronized (musc) {
                    summary = job.categoryRun(musc, warnings).run(c, out.resolve(category), context.fingerprint());
                }
                Faults.check("publish", category);
                Path folder = out.resolve(category);
                org.apache.hadoop.fs.Path staged = context.storage().upload(folder,
                        new org.apache.hadoop.fs.Path(context.outLocation(), category));
                JsonObject r = new JsonObject();
                r.addProperty("summary", summary.toJson());
                r.addProperty("staged", staged.toString());
                r.add("files", GSON.toJsonTree(OutputLocation.files(folder, category)));
                r.add("warnings", GSON.toJsonTree(lines));
                return GSON.toJson(r);
            } finally {
                RunContext.delete(scratch);
            }
        }
    }
}
