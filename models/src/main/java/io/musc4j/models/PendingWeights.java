package io.musc4j.models;

import com.sun.management.HotSpotDiagnosticMXBean;
import io.musc4j.models.BackboneOptions.DeviceChoice;
import io.musc4j.models.layout.ModelLayout;
import io.musc4j.models.vit.CanonicalTensors;
import io.musc4j.models.vit.WeightMap;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A checkpoint's weights being read into memory of their own on a thread of their own, while the
 * caller does other work on one core: loading libtorch takes a few hundred milliseconds of one core,
 * and so does reading a ViT-B's 346 MB (most of it the first touch of fresh memory), so a process that
 * starts both at once waits for the longer only, and less: the caller, once done, reads the tensors the
 * reading thread has not reached alongside it ({@link #await}). The arrays then use that memory in place
 * ({@link CanonicalTensors#resident}), so the weights are copied once, from the file, and a file
 * replaced during the run changes nothing.
 *
 * <p>Only float32 weights for the CPU (or a device still to be chosen) are read ahead: on a GPU, and in
 * another precision, each array is a copy of the file's bytes anyway, which the mapped route makes
 * without holding the whole model in host memory first. A device still to be chosen that turns out to
 * be a GPU gets its arrays copied from the memory read ahead, which the garbage collector frees later.
 */
public final class PendingWeights implements AutoCloseable {

    private final ModelLayout.Checkpoint checkpoint;
    /** The read, once the reading thread has opened the file; null where the weights are not read ahead. */
    private final CompletableFuture<WeightMap.ResidentRead> opened;
    /** Completes when the reading thread has read its last tensor. */
    private final CompletableFuture<Void> done;
    private final AtomicBoolean stop = new AtomicBoolean();

    private PendingWeights(ModelLayout.Checkpoint checkpoint, boolean ahead) {
        this.checkpoint = checkpoint;
        if (!ahead) {
            this.opened = null;
            this.done = null;
            return;
        }
        this.opened = new CompletableFuture<>();
        this.done = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try {
                WeightMap.ResidentRead read = checkpoint.names().residentRead(checkpoint.openWeights(),
                        directMemoryLimit() / 2);
                opened.complete(read);
                read.help(stop::get);
                done.complete(null);
            } catch (Throwable e) {
                // the caller reports it, as one line, where it waits
                opened.completeExceptionally(e);
                done.completeExceptionally(e);
            }
        }, "musc-weights");
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * Starts reading {@code checkpoint}'s weights where a backbone on {@code device} in {@code precision}
     * uses them in place; otherwise {@link #await} opens them mapped.
     */
    public static PendingWeights start(ModelLayout.Checkpoint checkpoint, DeviceChoice device, Precision precision) {
        return new PendingWeights(checkpoint, precision == Precision.FP32 && device.kind() != DeviceChoice.Kind.GPU);
    }

    /** The checkpoint whose weights these are. */
    public ModelLayout.Checkpoint checkpoint() {
        return checkpoint;
    }

    /**
     * The weights by canonical name, waiting for the read to finish.
     *
     * @throws IOException with the one-line message of the file that could not be read
     */
    public CanonicalTensors await() throws IOException {
        if (opened == null) {
            return checkpoint.names().over(checkpoint.openWeights());
        }
        WeightMap.ResidentRead read = join(opened);
        // what the reading thread has not taken yet, this one reads alongside it
        try {
            read.help(stop::get);
        } catch (IOException | RuntimeException e) {
            stop.set(true);
            throw e;
        }
        join(done);
        return read.tensors();
    }

    private static <T> T join(CompletableFuture<T> future) throws IOException {
        try {
            return future.join();
        } catch (CompletionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) {
                throw io;
            }
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new UncheckedIOException(new IOException(cause));
        }
    }

    /**
     * The JVM's limit on direct buffers (the memory read ahead is held in them): {@code
     * -XX:MaxDirectMemorySize} where given, else the heap's maximum, as the JDK sets it. Half of it at
     * most is read ahead, the rest of the weights take the mapped route, so that a small {@code -Xmx}
     * leaves DJL room for the direct buffers it copies Java arrays through.
     */
    static long directMemoryLimit() {
        try {
            HotSpotDiagnosticMXBean vm = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
            long set = Long.parseLong(vm.getVMOption("MaxDirectMemorySize").getValue());
            if (set > 0) {
                return set;
            }
        } catch (RuntimeException e) {
            // not a HotSpot JVM: its default is assumed
        }
        return Runtime.getRuntime().maxMemory();
    }

    /**
     * Stops a read no one will wait for (the caller failed before loading): it ends at the next tensor,
     * and the memory read so far is garbage once this object is.
     */
    @Override
    public void close() {
        stop.set(true);
    }
}
