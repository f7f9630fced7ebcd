package io.musc4j.models.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HubSettingsTest {

    @TempDir
    Path home;

    @Test
    void defaultsMatchHuggingFaceHub() {
        HubSettings s = HubSettings.fromEnvironment(Map.of(), home);
        assertEquals(home.resolve(".cache/huggingface/hub"), s.cacheDir());
        assertEquals(URI.create("https://huggingface.co"), s.endpoint());
        assertEquals(Optional.empty(), s.token());
        assertFalse(s.offline());
    }

    @Test
    void cacheFolderPrecedenceIsHubCacheThenHfHomeThenXdg() {
        assertEquals(Path.of("/x/xdg/huggingface/hub"),
                HubSettings.fromEnvironment(Map.of("XDG_CACHE_HOME", "/x/xdg"), home).cacheDir());
        assertEquals(Path.of("/x/hfhome/hub"),
                HubSettings.fromEnvironment(Map.of("XDG_CACHE_HOME", "/x/xdg", "HF_HOME", "/x/hfhome"), home).cacheDir());
        assertEquals(Path.of("/x/legacy"), HubSettings.fromEnvironment(
                Map.of("HF_HOME", "/x/hfhome", "HUGGINGFACE_HUB_CACHE", "/x/legacy"), home).cacheDir());
        assertEquals(Path.of("/x/cache"), HubSettings.fromEnvironment(
                Map.of("HF_HOME", "/x/hfhome", "HF_HUB_CACHE", "/x/cache"), home).cacheDir());
    }

    @Test
    void readsEndpointTokenAndOfflineFlag() {
        HubSettings s = HubSettings.fromEnvironment(Map.of(
                "HF_ENDPOINT", "https://hf-mirror.example/", "HF_TOKEN", "hf_abc", "HF_HUB_OFFLINE", "1"), home);
        assertEquals(URI.create("https://hf-mirror.example"), s.endpoint());
        assertEquals(Optional.of("hf_abc"), s.token());
        assertTrue(s.offline());
        assertTrue(HubSettings.fromEnvironment(Map.of("HF_HUB_OFFLINE", "True"), home).offline());
        assertFalse(HubSettings.fromEnvironment(Map.of("HF_HUB_OFFLINE", "0"), home).offline());
    }

    @Test
    void fallsBackToTheTokenFileThatLoginWrites() throws IOException {
        Path tokenFile = home.resolve(".cache/huggingface/token");
        Files.createDirectories(tokenFile.getParent());
        Files.writeString(tokenFile, "hf_from_file\n");
        assertEquals(Optional.of("hf_from_file"), HubSettings.fromEnvironment(Map.of(), home).token());
        assertEquals(Optional.of("hf_env"), HubSettings.fromEnvironment(Map.of("HF_TOKEN", "hf_env"), home).token());
        assertEquals(Optional.of("hf_old"),
                HubSettings.fromEnvironment(Map.of("HUGGING_FACE_HUB_TOKEN", "hf_old"), home).token());
    }
}
