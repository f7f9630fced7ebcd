package io.musc4j.models.hub;

import io.musc4j.models.layout.ModelFiles;
import io.musc4j.models.layout.ModelLayout;
import io.musc4j.models.profile.ModelConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Turns a {@code --model} argument into a local folder holding a model's configuration and weights in
 * one of the layouts of {@link ModelFiles} (transformers or timm {@code config.json}, or
 * {@code open_clip_config.json}; safetensors preferred, else a PyTorch checkpoint). The argument is an
 * existing folder (used as is) or a hub id {@code org/name[@revision]}, looked up in the Hugging Face
 * cache first (so models Python downloaded are reused, with no network access) and downloaded into that
 * cache otherwise (so Python reuses ours). Only the chosen file set is downloaded.
 *
 * <pre>{@code
 * Path dir = ModelResolver.builder().build().resolve("facebook/dinov2-base");
 * }</pre>
 */
public final class ModelResolver {

    /** What a caller checks in a model's configuration before its weights are downloaded. */
    @FunctionalInterface
    public interface ConfigCheck {
        /** Throws, with a one-line message, when the model cannot serve the caller. */
        void check(ModelConfig config) throws IOException;
    }

    private final HubSettings settings;
    private final DownloadProgress progress;
    private final ConfigCheck configCheck; // null: none

    private ModelResolver(Builder b) {
        this.settings = b.settings != null ? b.settings : HubSettings.fromEnvironment();
        this.progress = b.progress != null ? b.progress : ConsoleProgress.onStderr();
        this.configCheck = b.configCheck;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * The local folder for {@code modelArg}.
     *
     * @throws HubException with a one-line message when the folder is incomplete, the id is malformed,
     *         the model is neither cached nor downloadable, or a download fails its checks
     */
    public Path resolve(String modelArg) {
        Optional<Path> folder = asFolder(modelArg);
        if (folder.isPresent()) {
            return ModelFolder.requireComplete(folder.get());
        }
        HubId id = HubId.parse(modelArg).orElseThrow(() -> new HubException(
                "--model " + modelArg + ": no such folder, and not a hub id of the form org/name[@revision]"));
        HubCache cache = new HubCache(settings.cacheDir(), id);
        Optional<Path> cached = cache.knownCommit().map(cache::snapshotDir)
                .filter(dir -> Files.isDirectory(dir) && ModelFolder.missingFile(dir).isEmpty());
        if (cached.isPresent()) {
            return cached.get();
        }
        if (settings.offline()) {
            throw notCached(id, cache, "HF_HUB_OFFLINE is set");
        }
        try {
            return download(id, cache, new HubClient(settings));
        } catch (HubClient.UnreachableException e) {
            throw notCached(id, cache, settings.endpoint() + " is unreachable: " + e.getMessage());
        } catch (IOException e) {
            throw new HubException(id + ": " + e.getMessage() + " (cache " + cache.repoDir() + ")", e);
        }
    }

    private static Optional<Path> asFolder(String arg) {
        try {
            Path p = Path.of(arg);
            return Files.isDirectory(p) ? Optional.of(p) : Optional.empty();
        } catch (InvalidPathException e) {
            return Optional.empty();
        }
    }

    /** Downloads the preferred file set, and links it into the snapshot only once all of it is verified. */
    private Path download(HubId id, HubCache cache, HubClient client) throws IOException {
        BlobDownloader blobs = new BlobDownloader(client, progress);
        Remote remote = new Remote(client, id);
        if (remote.head(ModelFiles.CONFIG).isEmpty() && remote.head(ModelFiles.OPEN_CLIP_CONFIG).isEmpty()) {
            throw new HubException(id + ": " + client.fileUri(id.repo(), id.revision(), ModelFiles.CONFIG)
                    + " not found (HTTP 404), nor " + ModelFiles.OPEN_CLIP_CONFIG + ": check the repo id and revision");
        }
        for (ModelFiles.Choice choice : ModelFiles.PREFERENCE) {
            Optional<HubClient.RemoteFile> config = remote.head(choice.config());
            Optional<HubClient.RemoteFile> weights = config.isPresent() ? remote.head(choice.weights()) : Optional.empty();
            if (weights.isEmpty()) {
                continue;
            }
            String commit = remote.commit();
            Map<String, Path> fetched = new LinkedHashMap<>();
            fetched.put(choice.config(), blobs.fetch(cache, config.get()));
            if (configCheck != null) {
                // a configuration that cannot serve the run fails before hundreds of megabytes of weights come
                // (a timm configuration that leaves sizes to the weights is checked when the folder loads)
                Optional<ModelConfig> stated = ModelLayout.stated(fetched.get(choice.config()), choice.config());
                if (stated.isPresent()) {
                    configCheck.check(stated.get());
                }
            }
            fetched.put(choice.weights(), blobs.fetch(cache, weights.get()));
            if (choice.sharded()) {
                for (String shard : ModelFolder.shardNames(fetched.get(choice.weights()))) {
                    HubClient.RemoteFile file = remote.head(shard).orElseThrow(() -> new HubException(id + ": "
                            + ModelFiles.INDEX + " names shard " + shard + ", which the hub does not have (HTTP 404)"));
                    fetched.put(shard, blobs.fetch(cache, file));
                }
            }
            if (choice.config().equals(ModelFiles.CONFIG)) {
                Optional<HubClient.RemoteFile> preprocessor = remote.head(ModelFolder.PREPROCESSOR);
                if (preprocessor.isPresent()) {
                    fetched.put(ModelFolder.PREPROCESSOR, blobs.fetch(cache, preprocessor.get()));
                }
            }
            fetched.forEach((file, blob) -> cache.link(commit, file, blob));
            if (!id.revision().equals(commit)) {
                cache.writeRef(id.revision(), commit);
            }
            return cache.snapshotDir(commit);
        }
        throw new HubException(id + " has no weights musc4j reads; it needs " + ModelFiles.expected());
    }

    /** HEAD requests to one repo, each file asked once, pinned to the commit the first found file names. */
    private static final class Remote {
        private final HubClient client;
        private final HubId id;
        private final Map<String, Optional<HubClient.RemoteFile>> heads = new LinkedHashMap<>();
        private String commit;

        Remote(HubClient client, HubId id) {
            this.client = client;
            this.id = id;
        }

        Optional<HubClient.RemoteFile> head(String file) throws IOException {
            Optional<HubClient.RemoteFile> known = heads.get(file);
            if (known == null) {
                known = client.head(id.repo(), commit != null ? commit : id.revision(), file);
                heads.put(file, known);
                if (commit == null && known.isPresent()) {
                    commit = known.get().commit();
                }
            }
            return known;
        }

        String commit() {
            return commit;
        }
    }

    private static HubException notCached(HubId id, HubCache cache, String why) {
        Optional<String> commit = cache.knownCommit();
        Path snapshot = cache.snapshotDir(commit.orElse("<commit>"));
        String what = commit.isPresent() && Files.isDirectory(snapshot)
                ? ModelFolder.missingFile(snapshot).orElse(ModelFiles.CONFIG)
                : ModelFiles.CONFIG + " and " + ModelFiles.SAFETENSORS;
        String ref = commit.isPresent() || id.revisionIsCommit() ? ""
                : " and that commit hash into " + cache.refFile(id.revision());
        return new HubException(id + " is not in the Hugging Face cache and " + why + ": place " + what + " in "
                + snapshot + snapshot.getFileSystem().getSeparator() + ref
                + ", or download the files into a folder and pass --model DIR");
    }

    /** Configures a {@link ModelResolver}; unset parts come from the environment and the console. */
    public static final class Builder {
        private HubSettings settings;
        private DownloadProgress progress;
        private ConfigCheck configCheck;

        private Builder() {
        }

        public Builder settings(HubSettings settings) {
            this.settings = Objects.requireNonNull(settings);
            return this;
        }

        public Builder progress(DownloadProgress progress) {
            this.progress = Objects.requireNonNull(progress);
            return this;
        }

        /**
         * Checks a hub model's configuration once it is downloaded and before its weights are (a local
         * folder or a cached model is not checked here: its configuration is at hand already).
         */
        public Builder configCheck(ConfigCheck check) {
            this.configCheck = Objects.requireNonNull(check);
            return this;
        }

        public ModelResolver build() {
            return new ModelResolver(this);
        }
    }
}
