package io.musc4j.engine.rscin;

import java.util.Arrays;
import java.util.List;

/**
 * The neighbourhood window sizes k of RsCIN, or {@code off}. The reference picks them from the
 * dataset name, not from its config (the batch module maps a dataset layout to its family): {@code [1, 2, 3]} for MVTec AD, BTAD and anything else,
 * {@code [1, 8, 9]} for VisA. A window list containing 0 means off, as in the reference.
 *
 * @param windows the window sizes, each ≥ 1; empty means RsCIN is off
 */
public record RscinWindows(List<Integer> windows) {

    /** The default windows of a dataset family. */
    public enum Family {
        /** MVTec AD, BTAD and plain folder datasets: [1, 2, 3]. */
        MVTEC_AD(1, 2, 3),
        /** VisA: [1, 8, 9]. */
        VISA(1, 8, 9);

        private final int[] windows;

        Family(int... windows) {
            this.windows = windows;
        }

        /** The family's default windows. */
        public RscinWindows windows() {
            return of(windows);
        }
    }

    public RscinWindows {
        windows = List.copyOf(windows);
        for (int k : windows) {
            if (k < 1) {
                throw new IllegalArgumentException("RsCIN window sizes must be >= 1 (use off()), got " + windows);
            }
        }
    }

    /** The given windows; a list containing 0 means off, like the reference's {@code k_list}. */
    public static RscinWindows of(int... windows) {
        if (Arrays.stream(windows).anyMatch(k -> k == 0)) {
            return off();
        }
        return new RscinWindows(Arrays.stream(windows).boxed().toList());
    }

    /** RsCIN disabled: scores pass through unchanged. */
    public static RscinWindows off() {
        return new RscinWindows(List.of());
    }

    /** Whether RsCIN is disabled. */
    public boolean isOff() {
        return windows.isEmpty();
    }
}
