package io.musc4j.bench;

import ai.djl.Device;
import ai.djl.util.cuda.CudaUtils;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * The peak memory of a section of work on a device. On a CPU it is the process's peak RSS (VmHWM,
 * reset when the section starts). On a GPU, DJL exposes no allocator counter, so a background
 * thread polls the device's used memory ({@code cudaMemGetInfo} through DJL's CUDA utilities, else
 * {@code nvidia-smi}) every few milliseconds: that is what the process holds on the device,
 * PyTorch's cached blocks and the CUDA context included, which is what decides whether a run fits.
 */
final class PeakMemory implements AutoCloseable {

    private static final long POLL_MILLIS = 5;
    private static final double GIB = 1024.0 * 1024 * 1024;

    private final Device device;
    private final String source;
    private final long startBytes;
    private final AtomicLong peak = new AtomicLong();
    private final Thread poller;
    private volatile boolean running = true;

    private PeakMemory(Device device) throws IOException {
        this.device = device;
        if (!device.isGpu()) {
            ProcStatus.resetVmHwm();
            this.source = "peak RSS (VmHWM)";
            this.startBytes = ProcStatus.vmRssKiB() << 10;
            this.poller = null;
            return;
        }
        LongSupplier used = cudaUsed(device);
        String how = "cudaMemGetInfo";
        if (used == null) {
            used = nvidiaSmiUsed(device);
            how = "nvidia-smi";
        }
        this.source = "peak device memory in use (" + how + ", polled every " + POLL_MILLIS + " ms)";
        this.startBytes = used.getAsLong();
        peak.set(startBytes);
        LongSupplier reader = used;
        this.poller = new Thread(() -> {
            while (running) {
                peak.accumulateAndGet(reader.getAsLong(), Math::max);
                try {
                    Thread.sleep(POLL_MILLIS);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "peak-memory-" + device);
        poller.setDaemon(true);
        poller.start();
    }

    /** Starts measuring on {@code device}. */
    static PeakMemory start(Device device) throws IOException {
        return new PeakMemory(device);
    }

    /** Peak bytes since the start (on a GPU: of the whole device, as the driver counts). */
    long peakBytes() throws IOException {
        if (!device.isGpu()) {
            return ProcStatus.vmHwmKiB() << 10;
        }
        return peak.get();
    }

    /**
     * Memory in use now: on a GPU the device's (PyTorch's cached blocks included, so it grows only
     * when the process needs more than it ever held), on a CPU the process's RSS; −1 if unreadable.
     */
    static long inUse(Device device) {
        try {
            if (!device.isGpu()) {
                return ProcStatus.vmRssKiB() << 10;
            }
            LongSupplier used = cudaUsed(device);
            return (used != null ? used : nvidiaSmiUsed(device)).getAsLong();
        } catch (IOException e) {
            return -1;
        }
    }

    /** One line: the peak in GiB and how much of it was already in use at the start. */
    String describe() throws IOException {
        return String.format("%s %.2f GiB (%.2f GiB in use when the section began)", source,
                peakBytes() / GIB, startBytes / GIB);
    }

    @Override
    public void close() {
        running = false;
        if (poller != null) {
            poller.interrupt();
        }
    }

    /** Used bytes from the CUDA runtime, or null where DJL cannot reach it (no libcudart for JNA). */
    private static LongSupplier cudaUsed(Device device) {
        try {
            CudaUtils.getGpuMemory(device).getUsed();
            return () -> CudaUtils.getGpuMemory(device).getUsed();
        } catch (RuntimeException | LinkageError e) {
            return null;
        }
    }

    private static LongSupplier nvidiaSmiUsed(Device device) {
        return () -> {
            ProcessBuilder pb = new ProcessBuilder("nvidia-smi", "--query-gpu=memory.used", "--format=csv,noheader,nounits",
                    "-i", Integer.toString(device.getDeviceId()));
            try {
                Process p = pb.redirectErrorStream(true).start();
                try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                    String line = r.readLine();
                    p.waitFor();
                    return line == null ? 0 : Long.parseLong(line.trim()) << 20;
                }
            } catch (IOException | NumberFormatException e) {
                return 0;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return 0;
            }
        };
    }
}
