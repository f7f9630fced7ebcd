package io.musc4j.models.hub;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Where the Hugging Face cache lives and how the hub is reached, read from the same environment
 * variables as Python's {@code huggingface_hub} so that both share one cache:
 * <ul>
 *   <li>{@code HF_HUB_CACHE} (or the older {@code HUGGINGFACE_HUB_CACHE}), else {@code HF_HOME/hub}, else
 *       {@code $XDG_CACHE_HOME/huggingface/hub}, else {@code ~/.cache/huggingface/hub};</li>
 *   <li>{@code HF_ENDPOINT} (default {@code https://huggingface.co});</li>
 *   <li>{@code HF_TOKEN} (or the older {@code HUGGING_FACE_HUB_TOKEN}), else the token file {@code huggingface-cli login} writes
 *       ({@code HF_TOKEN_PATH}, else {@code HF_HOME/token});</li>
 *   <li>{@code HF_HUB_OFFLINE} = 1/true/yes/on: never touch the network.</li>
 * </ul>
 * Tests build their own instance with {@link #builder()} so they never see the real hub or cache.
 */
public record HubSettings(Path cacheDir, URI endpoint, Optional<String> token, boolean offline) {

    public static final URI DEFAULT_ENDPOINT = URI.create("https://huggingface.co");

    private static final Set<String> TRUE_VALUES = Set.of("1", "true", "yes", "on");

    public HubSettings {
        Objects.requireNonNull(cacheDir, "cacheDir");
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(token, "token");
        String e = endpoint.toString();
        if (e.endsWith("/")) {
            endpoint = URI.create(e.substring(0, e.length() - 1));
        }
    }

    /** The settings of this process: {@code System.getenv()} and the user's home folder. */
    public static HubSettings fromEnvironment() {
        return fromEnvironment(System.getenv(), Path.of(System.getProperty("user.home")));
    }

    /** The settings the given environment variables describe, {@code ~} being {@code home}. */
    public static HubSettings fromEnvironment(Map<String, String> env, Path home) {
        Path hfHome = nonEmpty(env.get("HF_HOME")).map(Path::of)
                .orElse(nonEmpty(env.get("XDG_CACHE_HOME")).map(Path::of).orElse(home.resolve(".cache"))
                        .resolve("huggingface"));
        Path cache = nonEmpty(env.get("HF_HUB_CACHE")).or(() -> nonEmpty(env.get("HUGGINGFACE_HUB_CACHE")))
                .map(Path::of).orElse(hfHome.resolve("hub"));
        URI endpoint = nonEmpty(env.get("HF_ENDPOINT")).map(URI::create).orElse(DEFAULT_ENDPOINT);
        Path tokenFile = nonEmpty(env.get("HF_TOKEN_PATH")).map(Path::of).orElse(hfHome.resolve("token"));
        Optional<String> token = nonEmpty(env.get("HF_TOKEN")).or(() -> nonEmpty(env.get("HUGGING_FACE_HUB_TOKEN")))
                .or(() -> readToken(tokenFile));
        boolean offline = TRUE_VALUES.contains(env.getOrDefault("HF_HUB_OFFLINE", "").trim().toLowerCase(Locale.ROOT));
        return new HubSettings(cache, endpoint, token, offline);
    }

    public static Builder builder() {
        return new Builder();
    }

    private static Optional<String> readToken(Path file) {
        try {
            return Files.isRegularFile(file)
                    ? nonEmpty(Files.readString(file, StandardCharsets.UTF_8))
                    : Optional.empty();
        } catch (IOException e) {
            return Optional.empty(); // an unreadable token file means anonymous access, as in huggingface_hub
        }
    }

    private static Optional<String> nonEmpty(String s) {
        return s == null || s.isBlank() ? Optional.empty() : Optional.of(s.trim());
    }

    /** Explicit settings; the cache folder is required, the rest default to the public hub, anonymous, online. */
    public static final class Builder {
        private Path cacheDir;
        private URI endpoint = DEFAULT_ENDPOINT;
        private String token;
        private boolean offline;

        private Builder() {
        }

        public Builder cacheDir(Path cacheDir) {
            this.cacheDir = cacheDir;
            return this;
        }

        public Builder endpoint(URI endpoint) {
            this.endpoint = endpoint;
            return this;
        }

        public Builder token(String token) {
            this.token = token;
            return this;
        }

        public Builder offline(boolean offline) {
            this.offline = offline;
            return this;
        }

        public HubSettings build() {
            return new HubSettings(cacheDir, endpoint, Optional.ofNullable(token), offline);
        }
    }
}
