package io.musc4j.engine.metrics;

/**
 * Connected regions of a ground-truth mask with full 8-connectivity, which is what
 * {@code skimage.measure.label} uses by default on 2-D images (SPEC §7). Two-pass labelling with
 * union-find; the buffers are reused from image to image. Public because the line inspector
 * ({@code io.musc4j.engine.inspect}) labels thresholded anomaly maps the same way.
 */
public final class RegionLabeler {

    private final int height;
    private final int width;
    private final int[] labels;
    private int[] parent = new int[64];

    public RegionLabeler(int height, int width) {
        this.height = height;
        this.width = width;
        this.labels = new int[height * width];
    }

    /**
     * Labels {@code mask}'s non-zero pixels; afterwards {@link #regionAt} is 1..count for region
     * pixels and 0 for background.
     *
     * @return the number of regions
     */
    public int label(byte[] mask) {
        int next = 1;
        for (int y = 0; y < height; y++) {
            int row = y * width;
            for (int x = 0; x < width; x++) {
                int p = row + x;
                if (mask[p] == 0) {
                    labels[p] = 0;
                    continue;
                }
                int found = 0;
                if (x > 0) {
                    found = join(found, labels[p - 1]);
                }
                if (y > 0) {
                    int up = p - width;
                    if (x > 0) {
                        found = join(found, labels[up - 1]);
                    }
                    found = join(found, labels[up]);
                    if (x < width - 1) {
                        found = join(found, labels[up + 1]);
                    }
                }
                if (found == 0) {
                    if (next == parent.length) {
                        parent = java.util.Arrays.copyOf(parent, next * 2);
                    }
                    parent[next] = next;
                    found = next++;
                }
                labels[p] = found;
            }
        }
        int[] compact = new int[next];
        int count = 0;
        for (int l = 1; l < next; l++) {
            int root = find(l);
            if (root == l) {
                compact[l] = ++count;
            }
        }
        for (int p = 0; p < labels.length; p++) {
            if (labels[p] != 0) {
                labels[p] = compact[find(labels[p])];
            }
        }
        return count;
    }

    /** The region (1-based) of pixel {@code p} after {@link #label(byte[])}, or 0 for background. */
    public int regionAt(int p) {
        return labels[p];
    }

    /** Merges provisional label {@code other} (0 = none) into {@code current}; returns the root. */
    private int join(int current, int other) {
        if (other == 0) {
            return current;
        }
        int b = find(other);
        if (current == 0) {
            return b;
        }
        int a = find(current);
        if (a == b) {
            return a;
        }
        int root = Math.min(a, b);
        parent[Math.max(a, b)] = root;
        return root;
    }

    private int find(int l) {
        while (parent[l] != l) {
            parent[l] = parent[parent[l]];
            l = parent[l];
        }
        return l;
    }
}
