package io.musc4j.models.hub;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.UUID;

/**
 * One repo's folder in the Hugging Face cache, in the layout huggingface_hub writes and reads:
 * <pre>
 * {cacheDir}/models--org--name/
 *     blobs/{etag}                    file contents, named by the hub's ETag
 *     blobs/{etag}.incomplete         a download in progress (resumable)
 *     snapshots/{commit}/{file}       relative symlinks ../../blobs/{etag} (copies where links fail)
 *     refs/{revision}                 the commit hash a branch or tag pointed to
 * </pre>
 * Every file that others may read is written under a temporary name and renamed into place.
 */
final class HubCache {

    private final HubId id;
    private final Path repoDir;

    HubCache(Path cacheDir, HubId id) {
        this.id = id;
        this.repoDir = cacheDir.resolve(id.cacheFolderName());
    }

    Path repoDir() {
        return repoDir;
    }

    Path blob(String etag) {
        return repoDir.resolve("blobs").resolve(etag);
    }

    Path incompleteBlob(String etag) {
        return repoDir.resolve("blobs").resolve(etag + ".incomplete");
    }

    Path snapshotDir(String commit) {
        return repoDir.resolve("snapshots").resolve(commit);
    }

    Path refFile(String revision) {
        return repoDir.resolve("refs").resolve(revision);
    }

    /** The commit the requested revision names: itself if a hash, else what {@code refs/} recorded. */
    Optional<String> knownCommit() {
        if (id.revisionIsCommit()) {
            return Optional.of(id.revision());
        }
        Path ref = refFile(id.revision());
        try {
            return Files.isRegularFile(ref) ? Optional.of(Files.readString(ref, StandardCharsets.UTF_8).trim())
                    .filter(HubId::isCommit) : Optional.empty();
        } catch (IOException e) {
            throw new HubException("cannot read " + ref + ": " + e.getMessage(), e);
        }
    }

    /** Makes {@code snapshots/{commit}/{file}} point at {@code blob}, replacing what was there. */
    void link(String commit, String file, Path blob) {
        Path target = snapshotDir(commit).resolve(file);
        try {
            Files.createDirectories(target.getParent());
            Path tmp = target.resolveSibling(target.getFileName() + "." + UUID.randomUUID() + ".tmp");
            try {
                Files.createSymbolicLink(tmp, target.getParent().relativize(blob));
            } catch (IOException | UnsupportedOperationException e) {
                Files.copy(blob, tmp); // file systems without symlinks (e.g. Windows without privilege)
            }
            moveIntoPlace(tmp, target);
        } catch (IOException e) {
            throw new HubException("cannot write " + target + ": " + e.getMessage(), e);
        }
    }

    /** Records that {@code revision} resolved to {@code commit}, as {@code refs/{revision}} (no newline, like Python). */
    void writeRef(String revision, String commit) {
        Path ref = refFile(revision);
        try {
            Files.createDirectories(ref.getParent());
            Path tmp = ref.resolveSibling(ref.getFileName() + "." + UUID.randomUUID() + ".tmp");
            Files.writeString(tmp, commit, StandardCharsets.UTF_8);
            moveIntoPlace(tmp, ref);
        } catch (IOException e) {
            throw new HubException("cannot write " + ref + ": " + e.getMessage(), e);
        }
    }

    static void moveIntoPlace(Path tmp, Path target) throws IOException {
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
