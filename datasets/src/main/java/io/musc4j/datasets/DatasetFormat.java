package io.musc4j.datasets;

import java.util.Locale;

/** The dataset layouts musc4j reads (the CLI's {@code --format}). */
public enum DatasetFormat {
    /** MVTec AD: {@code CATEGORY/test/<type>/*.png}, masks {@code CATEGORY/ground_truth/<type>/<stem>_mask.png}. */
    MVTEC,
    /**
     * VisA: the original download ({@code split_csv/1cls.csv} with {@code CATEGORY/Data/...}) or the
     * MVTec-like layout made by the reference's preprocessing script.
     */
    VISA,
    /** BTAD: {@code 01|02|03/test/{ok,ko}}, masks {@code 01|02|03/ground_truth/ko/<stem>.{png,bmp}}. */
    BTAD,
    /** MVTec AD 2: {@code CATEGORY/test_public/{good,bad}}, masks {@code test_public/ground_truth/bad/<stem>_mask.png}. */
    MVTEC2,
    /** Any folder of images, read recursively; labels from folder names when they say good/ok/normal. */
    FOLDER;

    /** Parses a CLI name such as {@code mvtec} or {@code MVTEC2}; the error lists the valid names. */
    public static DatasetFormat parse(String name) {
        try {
            return valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new DatasetException("unknown dataset format '" + name + "' (expected mvtec, visa, btad, mvtec2 or folder)");
        }
    }

    /**
     * How the reference turns a resized mask into 0/1 for this dataset: VisA's loader keeps every
     * pixel above 0, the MVTec AD and BTAD loaders (and so musc4j for MVTec AD 2 and folders) only
     * pixels that stay at 255.
     */
    public MaskRule maskRule() {
        return this == VISA ? MaskRule.ANY_OVERLAP : MaskRule.FULL_WINDOW;
    }

    /** The lower-case name used on the command line. */
    public String cliName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
