package io.musc4j.run;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The lock a run holds on a local output folder ({@code .musc.lock}), so that no second run writes
 * there at the same time: {@code musc run} and musc4j-spark take the same one, from any process. The
 * operating system releases it when the process ends, however it ends.
 */
public final class FolderLock implements AutoCloseable {

    /** The lock file's name; it stays in the folder between runs. */
    static final String FILE = ".musc.lock";

    private final FileChannel channel;
    private final FileLock lock;

    private FolderLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Takes the lock of the existing folder {@code out}, or refuses at once.
     *
     * @throws IllegalArgumentException one line naming {@code out}: another run holds the lock, or the
     *     folder is not writable
     */
    public static FolderLock acquire(Path out) {
        FileChannel channel;
        try {
            channel = FileChannel.open(out.resolve(FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new IllegalArgumentException(out + ": not writable (" + OutputFolder.reason(e) + ")", e);
        }
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            // held by this process: another run in the same JVM
            lock = null;
        } catch (IOException e) {
            close(channel);
            throw new IllegalArgumentException(out + ": cannot lock the folder (" + OutputFolder.reason(e) + ")", e);
        }
        if (lock == null) {
            close(channel);
            throw new IllegalArgumentException(out + ": another musc run is writing to this folder; wait for it or "
                    + "choose another --out");
        }
        return new FolderLock(channel, lock);
    }

    @Override
    public void close() {
        try {
            lock.release();
        } catch (IOException e) {
            // closing the channel releases it too
        }
        close(channel);
    }

    private static void close(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            // nothing was written through it
        }
    }
}
