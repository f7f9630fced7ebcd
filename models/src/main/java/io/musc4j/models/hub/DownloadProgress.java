package io.musc4j.models.hub;

/**
 * Receives the progress of each file download. Calls for one file come in order
 * {@code started}, {@code advanced}*, {@code finished}, all on the downloading thread.
 */
public interface DownloadProgress {

    /**
     * A download begins.
     *
     * @param file the file name in the repo
     * @param totalBytes the full size, or -1 if the hub did not say
     * @param resumedFrom bytes already present from an earlier, interrupted download
     */
    void started(String file, long totalBytes, long resumedFrom);

    /** {@code bytesDone} of the file (resumed bytes included) are on disk. */
    void advanced(String file, long bytesDone);

    /** The file is complete (verification follows). */
    void finished(String file);

    /** Reports nothing. */
    static DownloadProgress silent() {
        return new DownloadProgress() {
            @Override
            public void started(String file, long totalBytes, long resumedFrom) {
            }

            @Override
            public void advanced(String file, long bytesDone) {
            }

            @Override
            public void finished(String file) {
            }
        };
    }
}
