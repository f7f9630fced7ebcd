package io.musc4j.models.hub;

import java.io.PrintStream;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * The default {@link DownloadProgress}: on a terminal a single line redrawn in place (bytes, total,
 * percentage, rate); otherwise (logs, CI) a plain line every {@link #LOG_INTERVAL_NANOS} so that a
 * redirected stream is not flooded with carriage returns.
 */
public final class ConsoleProgress implements DownloadProgress {

    static final long REDRAW_INTERVAL_NANOS = 100_000_000L;
    static final long LOG_INTERVAL_NANOS = 5_000_000_000L;

    private final PrintStream out;
    private final boolean terminal;
    private final LongSupplier nanoClock;

    private long total;
    private long resumedFrom;
    private long startNanos;
    private long lastPrintNanos;
    private long done;
    private int lastWidth;

    /**
     * @param out where to print
     * @param terminal whether {@code out} is an interactive terminal (redraw in place)
     * @param nanoClock monotonic time in nanoseconds, {@code System::nanoTime} outside tests
     */
    public ConsoleProgress(PrintStream out, boolean terminal, LongSupplier nanoClock) {
        this.out = out;
        this.terminal = terminal;
        this.nanoClock = nanoClock;
    }

    /** On standard error, redrawing in place when the JVM runs attached to a terminal. */
    public static ConsoleProgress onStderr() {
        return new ConsoleProgress(System.err, System.console() != null, System::nanoTime);
    }

    @Override
    public void started(String file, long totalBytes, long resumedFrom) {
        this.total = totalBytes;
        this.resumedFrom = resumedFrom;
        this.done = resumedFrom;
        this.startNanos = nanoClock.getAsLong();
        this.lastPrintNanos = startNanos;
        String resumed = resumedFrom > 0 ? ", resuming at " + bytes(resumedFrom) : "";
        if (terminal) {
            out.print(redraw(status(file)));
        } else {
            out.println("downloading " + file + " (" + (total >= 0 ? bytes(total) : "size unknown") + resumed + ")");
        }
        out.flush();
    }

    @Override
    public void advanced(String file, long bytesDone) {
        done = bytesDone;
        long now = nanoClock.getAsLong();
        if (now - lastPrintNanos < (terminal ? REDRAW_INTERVAL_NANOS : LOG_INTERVAL_NANOS)) {
            return;
        }
        lastPrintNanos = now;
        out.print(terminal ? redraw(status(file)) : status(file) + System.lineSeparator());
        out.flush();
    }

    @Override
    public void finished(String file) {
        if (terminal) {
            out.println(redraw(status(file)));
            lastWidth = 0;
        } else {
            out.println(file + ": " + bytes(done) + " done in "
                    + String.format(Locale.ROOT, "%.1f s", seconds(nanoClock.getAsLong())));
        }
        out.flush();
    }

    /** Back to the line start, the new text, and blanks over what remains of a longer previous line. */
    private String redraw(String line) {
        String padded = line + " ".repeat(Math.max(0, lastWidth - line.length()));
        lastWidth = line.length();
        return "\r" + padded;
    }

    private String status(String file) {
        double rate = (done - resumedFrom) / Math.max(seconds(nanoClock.getAsLong()), 1e-3);
        String size = total > 0
                ? String.format(Locale.ROOT, "%3d%% %s / %s", (int) (100 * done / total), bytes(done), bytes(total))
                : bytes(done);
        return String.format(Locale.ROOT, "%s %s %s/s", file, size, bytes((long) rate));
    }

    private double seconds(long now) {
        return (now - startNanos) / 1e9;
    }

    static String bytes(long n) {
        if (n < 1024) {
            return n + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = n;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }
}
