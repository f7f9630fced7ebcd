package io.musc4j.models.hub;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelResolverTest {

    private static final Path MODELS = Path.of(System.getProperty("musc4j.testdata"), "parity", "models");
    private static final String COMMIT_A = "4f7c2d9e1b3a5c6d7e8f90a1b2c3d4e5f6a7b8c9";
    private static final String COMMIT_B = "9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d";
    private static final String WEIGHTS = "model.safetensors";

    @TempDir
    Path cache;

    private FakeHub hub;

    @BeforeEach
    void startHub() throws IOException {
        hub = new FakeHub();
    }

    @AfterEach
    void stopHub() {
        hub.close();
    }

    @Test
    void downloadsIntoAFreshCacheInThePythonLayout() throws IOException {
        Map<String, byte[]> dinov2 = publishDinov2();

        Path dir = resolver().resolve("facebook/dinov2-tiny");

        Path repo = dinov2RepoDir();
        assertEquals(repo.resolve("snapshots").resolve(COMMIT_A), dir);
        assertSameFiles(dinov2, dir);
        assertEquals(COMMIT_A, Files.readString(repo.resolve("refs/main")));
        // huggingface_hub's layout: relative links into blobs named by sha256 (LFS) or git sha1 (regular files)
        assertEquals(Path.of("../../blobs", FakeHub.sha256(dinov2.get(WEIGHTS))), Files.readSymbolicLink(dir.resolve(WEIGHTS)));
        assertEquals(Path.of("../../blobs", FakeHub.gitSha1(dinov2.get("config.json"))),
                Files.readSymbolicLink(dir.resolve("config.json")));
        assertEquals(List.of(), incompleteBlobs(repo));
        // the weights came over the redirect to the CDN, as on the real hub
        assertTrue(hub.requests().stream().anyMatch(r -> r.method().equals("GET") && r.path().startsWith("/cdn/")));
    }

    @Test
    void aConfigurationThatFailsTheCallersCheckStopsBeforeTheWeights() throws IOException {
        publishDinov2();
        int blocks = io.musc4j.models.layout.ModelLayout.readConfig(MODELS.resolve("dinov2-tiny/config.json")).layers();
        List<Integer> seen = new java.util.ArrayList<>();
        ModelResolver checking = ModelResolver.builder()
                .settings(HubSettings.builder().cacheDir(cache).endpoint(hub.endpoint()).build())
                .progress(DownloadProgress.silent())
                .configCheck(config -> {
                    seen.add(config.layers());
                    throw new IllegalArgumentException("layer 30 does not exist: the backbone has blocks 0.." + (blocks - 1));
                }).build();

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> checking.resolve("facebook/dinov2-tiny"));
        assertTrue(e.getMessage().startsWith("layer 30 does not exist"), e.getMessage());
        assertEquals(List.of(blocks), seen);
        assertFalse(hub.requests().stream().anyMatch(r -> r.method().equals("GET") && r.path().endsWith(WEIGHTS)),
                hub.requests().toString());
        assertFalse(hub.requests().stream().anyMatch(r -> r.method().equals("GET") && r.path().startsWith("/cdn/")),
                hub.requests().toString());
        assertFalse(Files.exists(dinov2RepoDir().resolve("snapshots")));
    }

    @Test
    void aConfigurationThatPassesTheCheckIsDownloadedWhole() throws IOException {
        Map<String, byte[]> dinov2 = publishDinov2();
        List<Integer> seen = new java.util.ArrayList<>();
        Path dir = ModelResolver.builder()
                .settings(HubSettings.builder().cacheDir(cache).endpoint(hub.endpoint()).build())
                .progress(DownloadProgress.silent())
                .configCheck(config -> seen.add(config.layers())).build()
                .resolve("facebook/dinov2-tiny");
        assertSameFiles(dinov2, dir);
        assertEquals(List.of(io.musc4j.models.layout.ModelLayout.readConfig(dir.resolve("config.json")).layers()), seen);
    }

    @Test
    void secondResolveUsesTheCacheWithoutAnyRequest() throws IOException {
        publishDinov2();
        Path first = resolver().resolve("facebook/dinov2-tiny");
        int requestsAfterDownload = hub.requests().size();

        assertEquals(first, resolver().resolve("facebook/dinov2-tiny"));
        assertEquals(first, resolver().resolve("facebook/dinov2-tiny@" + COMMIT_A));
        assertEquals(requestsAfterDownload, hub.requests().size());
    }

    @Test
    void reusesACacheThatPythonWrote() throws IOException {
        Map<String, byte[]> clip = fixture("clip-tiny");
        Path repo = cache.resolve("models--openai--clip-tiny");
        Path snapshot = repo.resolve("snapshots").resolve(COMMIT_B);
        Files.createDirectories(snapshot);
        Files.createDirectories(repo.resolve("blobs"));
        for (Map.Entry<String, byte[]> f : clip.entrySet()) {
            String etag = f.getKey().equals(WEIGHTS) ? FakeHub.sha256(f.getValue()) : FakeHub.gitSha1(f.getValue());
            Files.write(repo.resolve("blobs").resolve(etag), f.getValue());
            Files.createSymbolicLink(snapshot.resolve(f.getKey()), Path.of("../../blobs", etag));
        }
        Files.createDirectories(repo.resolve("refs"));
        Files.writeString(repo.resolve("refs/main"), COMMIT_B);

        assertEquals(snapshot, resolver().resolve("openai/clip-tiny"));
        assertEquals(snapshot, resolver().resolve("openai/clip-tiny@" + COMMIT_B));
        assertEquals(List.of(), hub.requests());
    }

    @Test
    void resolvesBranchAndCommitHashRevisions() throws IOException {
        Map<String, byte[]> dinov2 = fixture("dinov2-tiny");
        Map<String, byte[]> clip = fixture("clip-tiny");
        hub.publish("acme/tiny", "main", COMMIT_A, dinov2);
        hub.publish("acme/tiny", "v1", COMMIT_B, clip);
        Path repo = cache.resolve("models--acme--tiny");

        Path v1 = resolver().resolve("acme/tiny@v1");
        assertEquals(repo.resolve("snapshots").resolve(COMMIT_B), v1);
        assertSameFiles(clip, v1);
        assertEquals(COMMIT_B, Files.readString(repo.resolve("refs/v1")));
        // once the commit is known every file is fetched at that commit, so a moving branch cannot mix revisions
        assertTrue(hub.requests().stream().filter(r -> !r.path().startsWith("/cdn/")).skip(1)
                .allMatch(r -> r.path().contains("/resolve/" + COMMIT_B + "/")), hub.requests().toString());

        Path byHash = resolver().resolve("acme/tiny@" + COMMIT_A);
        assertEquals(repo.resolve("snapshots").resolve(COMMIT_A), byHash);
        assertSameFiles(dinov2, byHash);
        assertFalse(Files.exists(repo.resolve("refs").resolve(COMMIT_A)));
        assertFalse(Files.exists(repo.resolve("refs/main")));
    }

    @Test
    void resumesAnInterruptedDownloadWithARangeRequest() throws IOException {
        Map<String, byte[]> dinov2 = publishDinov2();
        hub.dropConnectionOnce(WEIGHTS);
        Path repo = dinov2RepoDir();
        Path partial = repo.resolve("blobs").resolve(FakeHub.sha256(dinov2.get(WEIGHTS)) + ".incomplete");

        HubException e = assertThrows(HubException.class, () -> resolver().resolve("facebook/dinov2-tiny"));
        assertTrue(e.getMessage().contains(WEIGHTS) && e.getMessage().contains("resume"), e.getMessage());
        long kept = Files.size(partial);
        assertTrue(kept > 0 && kept < dinov2.get(WEIGHTS).length, "partial file holds " + kept + " bytes");
        assertFalse(Files.exists(repo.resolve("snapshots")));

        Path dir = resolver().resolve("facebook/dinov2-tiny");
        assertSameFiles(dinov2, dir);
        assertTrue(hub.requests().stream().anyMatch(r -> r.method().equals("GET") && ("bytes=" + kept + "-").equals(r.range())),
                hub.requests().toString());
        assertFalse(Files.exists(partial));
    }

    @Test
    void rejectsACorruptDownloadAndKeepsItOutOfTheCache() throws IOException {
        Map<String, byte[]> dinov2 = publishDinov2();
        hub.corruptOnce(WEIGHTS);
        Path repo = dinov2RepoDir();

        HubException e = assertThrows(HubException.class, () -> resolver().resolve("facebook/dinov2-tiny"));
        assertTrue(e.getMessage().contains(WEIGHTS) && e.getMessage().contains("sha256"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
        assertFalse(Files.exists(repo.resolve("snapshots")));
        assertFalse(Files.exists(repo.resolve("refs")));
        assertFalse(Files.exists(repo.resolve("blobs").resolve(FakeHub.sha256(dinov2.get(WEIGHTS)))));
        assertEquals(List.of(), incompleteBlobs(repo));

        assertSameFiles(dinov2, resolver().resolve("facebook/dinov2-tiny")); // a retry gets the good bytes
    }

    @Test
    void fetchesEveryShardTheIndexNames() throws IOException {
        byte[] shard1 = safetensors("embeddings.cls_token", 1f, 2f);
        byte[] shard2 = safetensors("layernorm.weight", 3f, 4f);
        byte[] index = ("{\"metadata\":{\"total_size\":16},\"weight_map\":{"
                + "\"embeddings.cls_token\":\"model-00001-of-00002.safetensors\","
                + "\"layernorm.weight\":\"model-00002-of-00002.safetensors\"}}").getBytes(StandardCharsets.UTF_8);
        Map<String, byte[]> files = Map.of(
                "config.json", fixture("dinov2-tiny").get("config.json"),
                "model.safetensors.index.json", index,
                "model-00001-of-00002.safetensors", shard1,
                "model-00002-of-00002.safetensors", shard2);
        hub.publish("acme/sharded", "main", COMMIT_A, files);

        Path dir = resolver().resolve("acme/sharded");

        assertSameFiles(files, dir);
        assertFalse(Files.exists(dir.resolve(WEIGHTS)));
        assertEquals(2, hub.requests().stream().filter(r -> r.method().equals("GET") && r.path().startsWith("/cdn/")).count());
    }

    @Test
    void downloadsPickledWeightsOnlyWhenTheRepoHasNoSafetensors() throws IOException, URISyntaxException {
        byte[] bin = Files.readAllBytes(Path.of(getClass()
                .getResource("/io/musc4j/models/io/checkpoints/dinov2-tiny.pytorch_model.bin").toURI()));
        Map<String, byte[]> legacy = Map.of("config.json", fixture("dinov2-tiny").get("config.json"), "pytorch_model.bin", bin);
        hub.publish("acme/legacy", "main", COMMIT_A, legacy);
        assertSameFiles(legacy, resolver().resolve("acme/legacy"));

        Map<String, byte[]> both = new java.util.HashMap<>(fixture("dinov2-tiny"));
        both.put("pytorch_model.bin", bin);
        hub.publish("acme/both", "main", COMMIT_B, both);
        Path dir = resolver().resolve("acme/both");
        assertSameFiles(fixture("dinov2-tiny"), dir);
        assertTrue(hub.requests().stream().noneMatch(r -> r.path().startsWith("/acme/both/")
                && r.path().endsWith("pytorch_model.bin")), "the pickled file is not even asked for");

        hub.publish("acme/empty", "main", COMMIT_A, Map.of("config.json", fixture("dinov2-tiny").get("config.json")));
        HubException e = assertThrows(HubException.class, () -> resolver().resolve("acme/empty"));
        assertTrue(e.getMessage().contains("has no weights") && e.getMessage().contains(WEIGHTS), e.getMessage());
        assertFalse(Files.exists(cache.resolve("models--acme--empty/snapshots")));
    }

    /** timm's hub repos of CLIP towers hold timm's files and open_clip's; the timm pair is fetched. */
    @Test
    void fetchesOnlyThePreferredFileSet() throws IOException {
        byte[] timmConfig = "{\"architecture\": \"vit_base_patch16_clip_224\", \"num_classes\": 32}"
                .getBytes(StandardCharsets.UTF_8);
        byte[] openClipConfig = "{\"model_cfg\": {}}".getBytes(StandardCharsets.UTF_8);
        Map<String, byte[]> timm = Map.of("config.json", timmConfig, WEIGHTS, safetensors("cls_token", 1f),
                "open_clip_config.json", openClipConfig,
                "open_clip_model.safetensors", safetensors("visual.class_embedding", 2f));
        hub.publish("timm/vit-tiny.openai", "main", COMMIT_A, timm);
        assertSameFiles(Map.of("config.json", timmConfig, WEIGHTS, timm.get(WEIGHTS)), resolver().resolve("timm/vit-tiny.openai"));

        Map<String, byte[]> openClip = Map.of("open_clip_config.json", openClipConfig,
                "open_clip_model.safetensors", safetensors("visual.class_embedding", 3f),
                "open_clip_pytorch_model.bin", new byte[] {1, 2, 3});
        hub.publish("laion/vit-tiny", "main", COMMIT_B, openClip);
        Path dir = resolver().resolve("laion/vit-tiny");
        assertSameFiles(Map.of("open_clip_config.json", openClipConfig,
                "open_clip_model.safetensors", openClip.get("open_clip_model.safetensors")), dir);
        int requests = hub.requests().size();
        assertEquals(dir, resolver().resolve("laion/vit-tiny"), "an open_clip snapshot is complete");
        assertEquals(requests, hub.requests().size());
    }

    @Test
    void offlineNamesTheFilesAndTheExactCacheFolder() throws IOException {
        publishDinov2();
        HubSettings offline = HubSettings.builder().cacheDir(cache).endpoint(hub.endpoint()).offline(true).build();

        HubException e = assertThrows(HubException.class, () -> resolver(offline).resolve("facebook/dinov2-tiny"));

        Path repo = dinov2RepoDir();
        String m = e.getMessage();
        assertTrue(m.contains("config.json and model.safetensors in " + repo.resolve("snapshots")), m);
        assertTrue(m.contains(repo.resolve("refs/main").toString()) && m.contains("--model DIR"), m);
        assertFalse(m.contains("\n"));
        assertEquals(List.of(), hub.requests());
    }

    @Test
    void anUnreachableHubGivesTheOfflineAdvice() throws IOException {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        HubSettings settings = HubSettings.builder().cacheDir(cache)
                .endpoint(URI.create("http://127.0.0.1:" + closedPort)).build();

        HubException e = assertThrows(HubException.class,
                () -> resolver(settings).resolve("facebook/dinov2-tiny@" + COMMIT_A));

        Path snapshot = cache.resolve("models--facebook--dinov2-tiny/snapshots").resolve(COMMIT_A);
        assertTrue(e.getMessage().contains("unreachable") && e.getMessage().contains("in " + snapshot), e.getMessage());
    }

    @Test
    void sendsTheTokenAsABearerToken() throws IOException {
        hub.publish("acme/gated", "main", COMMIT_A, fixture("clip-tiny"));
        hub.requireToken("hf_secret");

        HubException e = assertThrows(HubException.class, () -> resolver().resolve("acme/gated"));
        assertTrue(e.getMessage().contains("HTTP 401") && e.getMessage().contains("set HF_TOKEN"), e.getMessage());

        HubSettings withToken = HubSettings.builder().cacheDir(cache).endpoint(hub.endpoint()).token("hf_secret").build();
        assertSameFiles(fixture("clip-tiny"), resolver(withToken).resolve("acme/gated"));
        assertTrue(hub.requests().stream().filter(r -> r.path().contains("/resolve/")).skip(1)
                .allMatch(r -> "Bearer hf_secret".equals(r.authorization())));
    }

    @Test
    void usesALocalFolderAsIsAndNamesWhatItLacks(@TempDir Path tmp) throws IOException {
        Path fixture = MODELS.resolve("dinov2-tiny");
        assertEquals(fixture, resolver().resolve(fixture.toString()));

        Files.copy(fixture.resolve("config.json"), tmp.resolve("config.json"));
        HubException missing = assertThrows(HubException.class, () -> resolver().resolve(tmp.toString()));
        assertTrue(missing.getMessage().startsWith("model folder " + tmp + " lacks model.safetensors (it needs "),
                missing.getMessage());

        Files.write(tmp.resolve("pytorch_model.bin"), new byte[] {1});
        assertEquals(tmp, resolver().resolve(tmp.toString()), "a PyTorch checkpoint completes the folder");

        HubException neither = assertThrows(HubException.class, () -> resolver().resolve(tmp.resolve("nope/x/y").toString()));
        assertTrue(neither.getMessage().contains("no such folder"), neither.getMessage());
        assertEquals(List.of(), hub.requests());
    }

    /** Publishes the DINOv2 fixture as facebook/dinov2-tiny, branch main at COMMIT_A, and returns its files. */
    private Map<String, byte[]> publishDinov2() throws IOException {
        Map<String, byte[]> files = fixture("dinov2-tiny");
        hub.publish("facebook/dinov2-tiny", "main", COMMIT_A, files);
        return files;
    }

    private Path dinov2RepoDir() {
        return cache.resolve("models--facebook--dinov2-tiny");
    }

    private ModelResolver resolver() {
        return resolver(HubSettings.builder().cacheDir(cache).endpoint(hub.endpoint()).build());
    }

    private static ModelResolver resolver(HubSettings settings) {
        return ModelResolver.builder().settings(settings).progress(DownloadProgress.silent()).build();
    }

    private static Map<String, byte[]> fixture(String name) throws IOException {
        Path dir = MODELS.resolve(name);
        return Map.of(
                "config.json", Files.readAllBytes(dir.resolve("config.json")),
                WEIGHTS, Files.readAllBytes(dir.resolve(WEIGHTS)),
                "preprocessor_config.json", Files.readAllBytes(dir.resolve("preprocessor_config.json")));
    }

    private static void assertSameFiles(Map<String, byte[]> expected, Path dir) throws IOException {
        try (Stream<Path> listed = Files.list(dir)) {
            assertEquals(expected.keySet().stream().sorted().toList(),
                    listed.map(p -> p.getFileName().toString()).sorted().toList());
        }
        for (Map.Entry<String, byte[]> f : expected.entrySet()) {
            assertArrayEquals(f.getValue(), Files.readAllBytes(dir.resolve(f.getKey())), f.getKey());
        }
    }

    private static List<Path> incompleteBlobs(Path repo) throws IOException {
        try (Stream<Path> blobs = Files.list(repo.resolve("blobs"))) {
            return blobs.filter(p -> p.toString().endsWith(".incomplete")).toList();
        }
    }

    /** A valid one-tensor F32 safetensors file. */
    private static byte[] safetensors(String tensor, float... values) {
        String header = "{\"" + tensor + "\":{\"dtype\":\"F32\",\"shape\":[" + values.length + "],\"data_offsets\":[0,"
                + 4 * values.length + "]}}";
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + 4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h);
        for (float v : values) {
            b.putFloat(v);
        }
        return b.array();
    }
}
