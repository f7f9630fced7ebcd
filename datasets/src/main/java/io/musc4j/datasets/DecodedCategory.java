package io.musc4j.datasets;

import io.musc4j.common.image.ImageSize;
import io.musc4j.common.image.RgbImage;
import java.util.List;

/**
 * A category whose images have been decoded: {@code images.get(i)} belongs to
 * {@code category.samples().get(i)}, and {@code sizes.get(i)} is that image's own size before any
 * transform; unreadable samples are already gone.
 */
public record DecodedCategory(Category category, List<RgbImage> images, List<ImageSize> sizes) {

    public DecodedCategory {
        images = List.copyOf(images);
        sizes = List.copyOf(sizes);
        if (images.size() != category.samples().size() || sizes.size() != images.size()) {
            throw new IllegalArgumentException(images.size() + " images and " + sizes.size() + " sizes for "
                    + category.samples().size() + " samples");
        }
    }
}
