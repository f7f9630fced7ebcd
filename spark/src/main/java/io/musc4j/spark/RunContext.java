package io.musc4j.spark;

import io.musc4j.run.RunJob;
import io.musc4j.datasets.Warnings;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;
import org.apache.spark.util.Utils;

/**
 * What every task of a run is given, as plain values: the {@code musc run} arguments, the data and
 * output locations, the configuration fingerprint the category files record, and the storage.
 *
 * @param runArgs musc run's arguments as given (locations as on the command line)
 * @param data the dataset root (any Hadoop file system)
 * @param out the output folder (any Hadoop file system)
 * @param fingerprint the configuration text category.json records
 */
record RunContext(ArrayList<String> runArgs, String data, String out, String fingerprint, Storage storage)
        implements Serializable {

    org.apache.hadoop.fs.Path dataLocation() {
        return Storage.location(data);
    }

    org.apache.hadoop.fs.Path outLocation() {
        return Storage.location(out);
    }

    /**
     * The dataset root as a local folder holding at least {@code category} (all categories when null):
     * the root itself when it is local, else a copy under {@code scratch} of its top-level files and
     * the category's folder.
     */
    Path localData(String category, Path scratch) throws IOException {
        org.apache.hadoop.fs.Path root = dataLocation();
        if (Storage.isLocal(root)) {
            return Storage.localPath(root);
        }
        Path local = scratch.resolve("data");
        Files.createDirectories(local);
        if (category == null || category.isEmpty()) {
            storage.download(root, local);
            return local;
        }
        FileSystem fs = storage.fs(root);
        for (FileStatus s : fs.listStatus(root)) {
            if (s.isFile()) {
                storage.download(s.getPath(), local.resolve(s.getPath().getName()));
            }
        }
        storage.download(new org.apache.hadoop.fs.Path(root, category), local.resolve(category));
        return local;
    }

    /** The run's options parsed with {@code data} and {@code out} as local folders (and one category). */
    RunJob job(Path data, Path out, String category) {
        List<String> args = RunArgs.with(RunArgs.with(runArgs, "--data", data.toString()), "--out", out.toString());
        if (category != null) {
            args = RunArgs.with(args, "--category", category);
        }
        return new RunJob(RunArgs.parse(args));
    }

    /** Warnings collected into {@code lines} (a task returns them to the driver). */
    static Warnings collecting(List<String> lines) {
        return new Warnings(lines::add);
    }

    /**
     * A fresh local scratch folder. In a task it lies in one of Spark's local folders of the application
     * (standalone, YARN and Kubernetes delete them when the application ends), not in the executor's
     * temporary folder: a task whose executor is killed cannot delete it, and its copies of the data
     * and unpublished outputs would stay on the node for good. On the driver it is a temporary folder.
     */
    static Path scratch(String prefix) throws IOException {
        if (TaskContext.get() == null) {
            return Files.createTempDirectory(prefix);
        }
        // Spark's own choice among spark.local.dir, SPARK_LOCAL_DIRS and the cluster manager's folders
        return Files.createTempDirectory(Path.of(Utils.getLocalDir(SparkEnv.get().conf())), prefix);
    }

    /** Deletes a scratch folder. */
    static void delete(Path folder) {
        if (folder == null || !Files.exists(folder)) {
            return;
        }
        try (Stream<Path> all = Files.walk(folder)) {
            all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // scratch space; what is left goes with Spark's local folders or the OS's tmp cleaning
        }
    }
}
