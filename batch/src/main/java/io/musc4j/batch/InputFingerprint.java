package io.musc4j.batch;

import io.musc4j.datasets.Category;
import io.musc4j.datasets.Sample;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;

/**
 * The input files a category's results were computed from: every test image and mask with its path
 * relative to the data root, size and modification time, as a SHA-256 digest. Results computed from
 * other files (images added, removed, replaced or edited since) are stale, whatever the configuration.
 *
 * @param images the number of test images listed
 * @param sha256 the digest, lower-case hex
 */
public record InputFingerprint(int images, String sha256) {

    /** The fingerprint of {@code category}'s files as they are now. */
    public static InputFingerprint of(Category category) {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
        StringBuilder line = new StringBuilder();
        for (Sample s : category.samples()) {
            line.setLength(0);
            line.append(s.relativePath());
            describe(line, s.image());
            s.mask().ifPresent(m -> describe(line.append("\tmask"), m));
            digest.update(line.append('\n').toString().getBytes(StandardCharsets.UTF_8));
        }
        return new InputFingerprint(category.samples().size(), HexFormat.of().formatHex(digest.digest()));
    }

    /** Why {@code earlier} differs from this fingerprint, in words; empty when it does not. */
    public Optional<String> changeSince(InputFingerprint earlier) {
        if (equals(earlier)) {
            return Optional.empty();
        }
        if (earlier.images() != images) {
            return Optional.of("the category has " + images + " images now, " + earlier.images()
                    + " when its results were computed");
        }
        return Optional.of("images or masks were replaced, renamed or modified since its results were computed");
    }

    private static void describe(StringBuilder line, Path file) {
        line.append('\t').append(file.getFileName());
        try {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
            line.append('\t').append(a.size()).append('\t').append(a.lastModifiedTime().toMillis());
        } catch (IOException | SecurityException e) {
            line.append("\tunreadable");
        }
    }
}
