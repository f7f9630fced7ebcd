package io.musc4j.datasets;

import io.musc4j.common.image.RgbImage;
import java.util.List;

/**
 * A category whose images have been decoded: {@code images.get(i)} belongs to
 * {@code category.samples().get(i)}; unreadable samples are already gone.
 */
public record DecodedCategory(Category category, List<RgbImage> images) {

    public DecodedCategory {
        images = List.copyOf(images);
        if (images.size() != category.samples().size()) {
            throw new IllegalArgumentException(images.size() + " images for " + category.samples().size() + " samples");
        }
    }
}
