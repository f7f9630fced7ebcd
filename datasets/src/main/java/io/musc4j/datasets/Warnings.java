package io.musc4j.datasets;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Collects the one-line warnings about input that was skipped or repaired (a corrupt image, a
 * missing mask), so a run can go on and print a summary count at the end. Thread-safe.
 */
public final class Warnings {

    private final List<String> messages = new ArrayList<>();
    private final Consumer<String> listener;

    /** Warnings that are only collected. */
    public Warnings() {
        this(m -> { });
    }

    /** Warnings that are also passed to {@code listener} as they arrive (e.g. printed to stderr). */
    public Warnings(Consumer<String> listener) {
        this.listener = listener;
    }

    /** Records one warning; the message names the file and the problem. */
    public void add(String message) {
        synchronized (messages) {
            messages.add(message);
        }
        listener.accept(message);
    }

    /** All warnings so far, in arrival order. */
    public List<String> all() {
        synchronized (messages) {
            return List.copyOf(messages);
        }
    }

    /** Number of warnings so far. */
    public int count() {
        synchronized (messages) {
            return messages.size();
        }
    }

    /** A one-line summary such as "3 warnings (see above)", or "no warnings". */
    public String summary() {
        int n = count();
        return n == 0 ? "no warnings" : n + (n == 1 ? " warning" : " warnings");
    }
}
