package io.musc4j.spark;

import io.musc4j.run.RunJob;
import io.musc4j.engine.MuSc;
import io.musc4j.engine.ProgressListener;
import java.io.IOException;
import java.util.List;

/**
 * What an executor JVM keeps between tasks: the loaded model (one, for the run's options) and one
 * pass's reference features in product form. Tasks of a JVM share them; the model is used by one task
 * at a time (synchronize on it), the reference features are only read.
 */
final class ExecutorCache {

    private static MuSc model;
    private static List<String> modelKey;
    private static Entry reference;

    private ExecutorCache() {
    }

    /** The model for the run options {@code runArgs}, loaded on first use in this JVM. */
    static synchronized MuSc model(List<String> runArgs, RunJob job) throws IOException {
        List<String> key = RunArgs.modelKey(runArgs);
        if (model == null || !key.equals(modelKey)) {
            if (model != null) {
                model.close();
            }
            model = null;
            model = job.builder(ProgressListener.none()).build();
            modelKey = key;
        }
        return model;
    }

    /** Loads a pass's reference features. */
    @FunctionalInterface
    interface Loader {
        StageRunner.Reference load() throws IOException;
    }

    /** A held reference; {@link #close} releases it (the features stay cached for the next task). */
    static final class Lease implements AutoCloseable {
        private final Entry entry;

        private Lease(Entry entry) {
            this.entry = entry;
        }

        StageRunner.Reference reference() {
            return entry.reference;
        }

        @Override
        public void close() {
            synchronized (ExecutorCache.class) {
                entry.users--;
                if (entry.evicted && entry.users == 0) {
                    entry.reference.close();
                }
            }
        }
    }

    private static final class Entry {
        final String key;
        final StageRunner.Reference reference;
        int users;
        boolean evicted;

        Entry(String key, StageRunner.Reference reference) {
            this.key = key;
            this.reference = reference;
        }
    }

    /**
     * The reference features of pass {@code key}, loaded once per JVM; loading another pass frees the
     * previous one as soon as no task uses it, so at most one pass is held between jobs.
     *
     * @return a lease to close when the task is done with it
     */
    static synchronized Lease reference(String key, Loader loader) throws IOException {
        if (reference == null || !reference.key.equals(key)) {
            if (reference != null) {
                reference.evicted = true;
                if (reference.users == 0) {
                    reference.reference.close();
                }
                reference = null;
            }
            reference = new Entry(key, loader.load());
        }
        reference.users++;
        return new Lease(reference);
    }

    /** Frees the held reference features once no task uses them (between runs in one JVM). */
    static synchronized void clearReference() {
        if (reference != null) {
            reference.evicted = true;
            if (reference.users == 0) {
                reference.reference.close();
            }
            reference = null;
        }
    }
}
