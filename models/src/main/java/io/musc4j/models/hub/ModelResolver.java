package io.musc4j.models.hub;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Turns a {@code --model} argument into a local folder holding {@code config.json} and safetensors
 * weights. The argument is an existing folder (used as is) or a hub id {@code org/name[@revision]},
 * looked up in the Hugging Face cache first (so models Python downloaded are reused, with no network
 * access) and downloaded into that cache otherwise (so Python reuses ours).
 *
 * <pre>{@code
 * Path dir = ModelResolver.builder().build().resolve("facebook/dinov2-base");
 * }</pre>
 */
public final class ModelResolver {

    private final HubSettings settings;
    private final DownloadProgress progress;

    private ModelResolver(Builder b) {
        this.settings = b.settings != null ? b.settings : HubSettings.fromEnvironment();
        this.progress = b.progress != null ? b.progress : DownloadProgress.console();
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

    /** Downloads every file the model needs, and links them into the snapshot only once all are verified. */
    private Path download(HubId id, HubCache cache, HubClient client) throws IOException {
        BlobDownloader blobs = new BlobDownloader(client, progress);
        HubClient.RemoteFile config = client.head(id.repo(), id.revision(), ModelFolder.CONFIG)
                .orElseThrow(() -> new HubException(id + ": " + client.fileUri(id.repo(), id.revision(),
                        ModelFolder.CONFIG) + " not found (HTTP 404): check the repo id and revision"));
        String commit = config.commit();
        Map<String, Path> fetched = new LinkedHashMap<>();
        fetched.put(ModelFolder.CONFIG, blobs.fetch(cache, config));
        for (HubClient.RemoteFile weights : weightFiles(id, commit, cache, client, blobs)) {
            fetched.put(weights.name(), blobs.fetch(cache, weights));
        }
        Optional<HubClient.RemoteFile> preprocessor = client.head(id.repo(), commit, ModelFolder.PREPROCESSOR);
        if (preprocessor.isPresent()) {
            fetched.put(ModelFolder.PREPROCESSOR, blobs.fetch(cache, preprocessor.get()));
        }
        fetched.forEach((file, blob) -> cache.link(commit, file, blob));
        if (!id.revision().equals(commit)) {
            cache.writeRef(id.revision(), commit);
        }
        return cache.snapshotDir(commit);
    }

    /** {@code model.safetensors}, else the index and its shards; a pickle-only repo is refused. */
    private static List<HubClient.RemoteFile> weightFiles(HubId id, String commit, HubCache cache, HubClient client,
                                                          BlobDownloader blobs) throws IOException {
        Optional<HubClient.RemoteFile> single = client.head(id.repo(), commit, ModelFolder.WEIGHTS);
        if (single.isPresent()) {
            return List.of(single.get());
        }
        Optional<HubClient.RemoteFile> index = client.head(id.repo(), commit, ModelFolder.INDEX);
        if (index.isEmpty()) {
            if (client.head(id.repo(), commit, ModelFolder.PICKLED_WEIGHTS).isPresent()) {
                throw new HubException(id + " has only " + ModelFolder.PICKLED_WEIGHTS + "; "
                        + ModelFolder.safetensorsOnly() + " (e.g. from a revision that has it)");
            }
            throw new HubException(id + " has neither " + ModelFolder.WEIGHTS + " nor " + ModelFolder.INDEX);
        }
        List<HubClient.RemoteFile> files = new ArrayList<>(List.of(index.get()));
        for (String shard : ModelFolder.shardNames(blobs.fetch(cache, index.get()))) {
            files.add(client.head(id.repo(), commit, shard).orElseThrow(() -> new HubException(id + ": "
                    + ModelFolder.INDEX + " names shard " + shard + ", which the hub does not have (HTTP 404)")));
        }
        return files;
    }

    private static HubException notCached(HubId id, HubCache cache, String why) {
        Optional<String> commit = cache.knownCommit();
        Path snapshot = cache.snapshotDir(commit.orElse("<commit>"));
        String what = commit.isPresent() && Files.isDirectory(snapshot)
                ? ModelFolder.missingFile(snapshot).orElse(ModelFolder.CONFIG)
                : ModelFolder.CONFIG + " and " + ModelFolder.WEIGHTS;
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

        public ModelResolver build() {
            return new ModelResolver(this);
        }
    }
}
