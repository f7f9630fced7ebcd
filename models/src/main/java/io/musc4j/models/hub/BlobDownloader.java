package io.musc4j.models.hub;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * Puts one remote file into {@code blobs/}: downloads into {@code {etag}.incomplete} (resuming what an
 * interrupted run left), checks the size and, for LFS files whose ETag is their sha256, the digest,
 * and only then renames it to {@code blobs/{etag}}. A failed check deletes the partial file, so a
 * corrupt download never reaches the cache.
 */
final class BlobDownloader {

    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

    private final HubClient client;
    private final DownloadProgress progress;

    BlobDownloader(HubClient client, DownloadProgress progress) {
        this.client = client;
        this.progress = progress;
    }

    /** The blob holding {@code file}, downloading it unless the cache already has it. */
    Path fetch(HubCache cache, HubClient.RemoteFile file) throws IOException {
        Path blob = cache.blob(file.etag());
        if (Files.isRegularFile(blob) && (file.size() < 0 || Files.size(blob) == file.size())) {
            return blob;
        }
        Path partial = cache.incompleteBlob(file.etag());
        Files.createDirectories(partial.getParent());
        if (Files.exists(partial) && file.size() >= 0 && Files.size(partial) > file.size()) {
            Files.delete(partial);
        }
        long have = Files.exists(partial) ? Files.size(partial) : 0;
        if (file.size() < 0 || have < file.size()) {
            try {
                have = client.download(file, partial, progress);
            } catch (HubClient.UnreachableException e) {
                throw e;
            } catch (IOException e) {
                long kept = Files.exists(partial) ? Files.size(partial) : 0;
                throw new HubException("download of " + file.name() + " from " + file.uri() + " stopped after "
                        + kept + " of " + file.size() + " bytes (" + e.getMessage() + "); the part is kept in "
                        + partial + " and the next run resumes it", e);
            }
        }
        verify(file, partial, have);
        Files.createDirectories(blob.getParent());
        HubCache.moveIntoPlace(partial, blob);
        return blob;
    }

    private static void verify(HubClient.RemoteFile file, Path partial, long size) throws IOException {
        if (file.size() >= 0 && size != file.size()) {
            Files.deleteIfExists(partial);
            throw new HubException("download of " + file.name() + " from " + file.uri() + " has " + size
                    + " bytes, the hub announced " + file.size() + "; removed, run again to retry");
        }
        if (SHA256.matcher(file.etag()).matches()) {
            String actual = sha256(partial);
            if (!actual.equals(file.etag())) {
                Files.deleteIfExists(partial);
                throw new HubException("download of " + file.name() + " from " + file.uri() + " is corrupt: sha256 "
                        + actual + " but the hub's ETag says " + file.etag() + "; removed, run again to retry");
            }
        }
    }

    static String sha256(Path file) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }
}
