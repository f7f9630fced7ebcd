package io.musc4j.models.hub;

import io.musc4j.models.BackboneParityTest;
import io.musc4j.models.layout.LayoutCopies;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fixture models fetched from the in-process hub into a fresh cache load and reproduce the
 * reference tokens and features, like the same models read from their folders: in transformers' layout,
 * as a timm repository, as an open_clip repository and as a repository with only pytorch_model.bin.
 */
class HubModelParityTest {

    private static final Path MODELS = Path.of(System.getProperty("musc4j.testdata"), "parity", "models");

    @TempDir
    Path cache;

    private FakeHub hub;

    @BeforeEach
    void startHub() throws IOException {
        hub = new FakeHub();
        hub.publish("facebook/dinov2-tiny", "main", "1111111111111111111111111111111111111111", files("dinov2-tiny"));
        hub.publish("openai/clip-tiny", "main", "2222222222222222222222222222222222222222", files("clip-tiny"));
        hub.publish("facebook/dino-tiny", "main", "3333333333333333333333333333333333333333", files("dino-tiny"));
    }

    @AfterEach
    void stopHub() {
        hub.close();
    }

    @Test
    void dinov2FromTheHubMatchesReference() throws IOException {
        BackboneParityTest.checkDinov2(resolver().resolve("facebook/dinov2-tiny"));
    }

    @Test
    void clipFromTheHubMatchesReference() throws IOException {
        BackboneParityTest.checkClip(resolver().resolve("openai/clip-tiny@main"));
    }

    @Test
    void dinoFromTheHubMatchesReference() throws IOException {
        BackboneParityTest.checkDino(resolver().resolve("facebook/dino-tiny"));
    }

    @Test
    void timmAndOpenClipRepositoriesMatchReference(@TempDir Path tmp) throws IOException {
        LayoutCopies.timmDinov2(MODELS.resolve("dinov2-tiny"), 8, tmp.resolve("timm"), LayoutCopies.TIMM_DINOV2);
        hub.publish("timm/vit_tiny_patch14_dinov2.lvd142m", "main", "4444444444444444444444444444444444444444",
                read(tmp.resolve("timm")));
        BackboneParityTest.checkDinov2(resolver().resolve("timm/vit_tiny_patch14_dinov2.lvd142m"));

        LayoutCopies.openClip(MODELS.resolve("clip-tiny"), 6, tmp.resolve("open_clip"), LayoutCopies.OPEN_CLIP, true);
        hub.publish("laion/CLIP-tiny", "main", "5555555555555555555555555555555555555555", read(tmp.resolve("open_clip")));
        BackboneParityTest.checkClip(resolver().resolve("laion/CLIP-tiny"));
    }

    @Test
    void aRepositoryWithOnlyPytorchModelBinMatchesReference() throws IOException, URISyntaxException {
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("config.json", Files.readAllBytes(MODELS.resolve("dinov2-tiny/config.json")));
        files.put("pytorch_model.bin", Files.readAllBytes(Path.of(getClass()
                .getResource("/io/musc4j/models/io/checkpoints/dinov2-tiny.pytorch_model.bin").toURI())));
        hub.publish("acme/dinov2-tiny-bin", "main", "6666666666666666666666666666666666666666", files);
        BackboneParityTest.checkDinov2(resolver().resolve("acme/dinov2-tiny-bin"));
    }

    private static Map<String, byte[]> read(Path dir) throws IOException {
        Map<String, byte[]> files = new LinkedHashMap<>();
        try (java.util.stream.Stream<Path> list = Files.list(dir)) {
            for (Path p : list.toList()) {
                files.put(p.getFileName().toString(), Files.readAllBytes(p));
            }
        }
        return files;
    }

    private ModelResolver resolver() {
        return ModelResolver.builder()
                .settings(HubSettings.builder().cacheDir(cache).endpoint(hub.endpoint()).build())
                .progress(DownloadProgress.silent()).build();
    }

    private static Map<String, byte[]> files(String model) throws IOException {
        Map<String, byte[]> files = new LinkedHashMap<>();
        for (String name : new String[] {"config.json", "model.safetensors", "preprocessor_config.json"}) {
            if (Files.exists(MODELS.resolve(model).resolve(name))) {
                files.put(name, Files.readAllBytes(MODELS.resolve(model).resolve(name)));
            }
        }
        return files;
    }
}
