package io.musc4j.models.hub;

import io.musc4j.models.BackboneParityTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Both fixture models fetched from the in-process hub into a fresh cache load and reproduce the
 * reference tokens and features, like the same models read from their folders.
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

    private ModelResolver resolver() {
        return ModelResolver.builder()
                .settings(HubSettings.builder().cacheDir(cache).endpoint(hub.endpoint()).build())
                .progress(DownloadProgress.silent()).build();
    }

    private static Map<String, byte[]> files(String model) throws IOException {
        Map<String, byte[]> files = new LinkedHashMap<>();
        for (String name : new String[] {"config.json", "model.safetensors", "preprocessor_config.json"}) {
            files.put(name, Files.readAllBytes(MODELS.resolve(model).resolve(name)));
        }
        return files;
    }
}
