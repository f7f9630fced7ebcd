package io.musc4j.models.hub;

import java.util.Arrays;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A model on the hub: {@code org/name} at a revision (a branch, a tag or a 40-hex commit hash;
 * {@code main} unless given as {@code org/name@revision}).
 */
public record HubId(String repo, String revision) {

    private static final Pattern ID = Pattern.compile(
            "([A-Za-z0-9][\\w.-]*/[A-Za-z0-9][\\w.-]*)(?:@([\\w.-]+(?:/[\\w.-]+)*))?");
    private static final Pattern COMMIT = Pattern.compile("[0-9a-f]{40}");

    /** The id {@code arg} spells, or empty if it is not of the form {@code org/name[@revision]}. */
    public static Optional<HubId> parse(String arg) {
        Matcher m = ID.matcher(arg);
        // ".." would let a repo or revision name escape its folder in the cache
        if (!m.matches() || m.group(1).contains("..")
                || (m.group(2) != null && Arrays.stream(m.group(2).split("/")).anyMatch(s -> s.matches("\\.+")))) {
            return Optional.empty();
        }
        return Optional.of(new HubId(m.group(1), m.group(2) == null ? "main" : m.group(2)));
    }

    /** Whether the revision is a commit hash, which needs no {@code refs/} lookup. */
    public boolean revisionIsCommit() {
        return isCommit(revision);
    }

    static boolean isCommit(String s) {
        return COMMIT.matcher(s).matches();
    }

    /** The cache folder name huggingface_hub uses: {@code models--org--name}. */
    String cacheFolderName() {
        return "models--" + repo.replace("/", "--");
    }

    @Override
    public String toString() {
        return repo + "@" + revision;
    }
}
