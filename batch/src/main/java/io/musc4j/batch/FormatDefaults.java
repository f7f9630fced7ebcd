package io.musc4j.batch;

import io.musc4j.datasets.DatasetFormat;
import io.musc4j.engine.rscin.RscinWindows;

/** What the reference decides from the dataset's name rather than from its configuration. */
public final class FormatDefaults {

    private FormatDefaults() {
    }

    /** RsCIN's default windows for a layout: VisA's [1, 8, 9], every other layout [1, 2, 3]. */
    public static RscinWindows rscinWindows(DatasetFormat format) {
        return (format == DatasetFormat.VISA ? RscinWindows.Family.VISA : RscinWindows.Family.MVTEC_AD).windows();
    }
}
