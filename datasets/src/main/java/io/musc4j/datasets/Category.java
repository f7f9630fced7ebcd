package io.musc4j.datasets;

import java.nio.file.Path;
import java.util.List;

/**
 * The test images of one category, in the order the reference processes them (SPEC §1): MuSc
 * scores the images of a category together, so this order fixes which images are compared.
 *
 * @param name    the category name (its folder name; "" for a plain folder read as one category)
 * @param root    the category folder
 * @param samples the test images
 */
public record Category(String name, Path root, List<Sample> samples) {

    public Category {
        samples = List.copyOf(samples);
    }

    /** True when every sample has a known label, so image metrics can be computed. */
    public boolean fullyLabelled() {
        return !samples.isEmpty() && samples.stream().allMatch(s -> s.label().isPresent());
    }

    /** True when some anomalous sample has a mask, so pixel metrics can be computed. */
    public boolean hasMasks() {
        return samples.stream().anyMatch(s -> s.mask().isPresent());
    }
}
