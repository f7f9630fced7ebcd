package io.musc4j.run;

import io.musc4j.engine.ProgressListener;
import java.io.PrintStream;
import java.util.Locale;

/**
 * Progress bars on standard error. On a terminal one line is redrawn in place; in a log (no
 * terminal) a line is printed when a stage starts, about every 10 % and when it ends, so CI logs
 * stay readable.
 */
public final class ConsoleBars implements ProgressListener {

    private static final int WIDTH = 30;

    private final PrintStream out;
    private final boolean terminal;
    private String prefix = "";
    private String stage;
    private long started;
    private long startDone;
    private long lastDecile = -1;

    ConsoleBars(PrintStream out, boolean terminal) {
        this.out = out;
        this.terminal = terminal;
    }

    public static ConsoleBars onStderr() {
        return new ConsoleBars(System.err, System.console() != null);
    }

    /** Text shown before each bar, e.g. the category name. */
    public void prefix(String text) {
        this.prefix = text;
    }

    @Override
    public synchronized void progress(String name, long done, long total) {
        if (!name.equals(stage) || done == 0) {
            // a stage can resume part-way (the next subset of a --divide run): rates count from here
            stage = name;
            started = System.nanoTime();
            startDone = done;
            lastDecile = -1;
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        String line = render(prefix, name, done, total, done - startDone, seconds);
        if (terminal) {
            out.print("\r" + line + (done >= total ? "\n" : ""));
            out.flush();
            return;
        }
        long decile = total == 0 ? 10 : done * 10 / total;
        if (decile != lastDecile) {
            lastDecile = decile;
            out.println(line);
        }
    }

    /**
     * One bar line; {@code progressed} of the {@code done} units were done in the {@code seconds} this
     * stage has run, which is what the rate and the remaining time are computed from.
     */
    static String render(String prefix, String stage, long done, long total, long progressed, double seconds) {
        int filled = total == 0 ? WIDTH : (int) (WIDTH * done / total);
        StringBuilder bar = new StringBuilder();
        bar.append("#".repeat(filled)).append(".".repeat(WIDTH - filled));
        boolean measured = progressed > 0 && seconds > 0.05;
        String rate = measured ? String.format(Locale.ROOT, "%.2f/s", progressed / seconds) : "";
        String eta = measured && done < total
                ? String.format(Locale.ROOT, " eta %s", duration(seconds * (total - done) / progressed)) : "";
        String time = done >= total ? " " + duration(seconds) : eta;
        return String.format(Locale.ROOT, "%s%-9s [%s] %d/%d %s%s", prefix, stage, bar, done, total, rate, time)
                .stripTrailing();
    }

    static String duration(double seconds) {
        long s = Math.round(seconds);
        return s < 60 ? s + "s" : s / 60 + "m" + String.format(Locale.ROOT, "%02d", s % 60) + "s";
    }
}
