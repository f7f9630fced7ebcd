package io.musc4j.models.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class HubIdTest {

    @Test
    void parsesRepoAndRevision() {
        assertEquals(Optional.of(new HubId("facebook/dinov2-base", "main")), HubId.parse("facebook/dinov2-base"));
        assertEquals(Optional.of(new HubId("openai/clip-vit-large-patch14-336", "refs/pr/7")),
                HubId.parse("openai/clip-vit-large-patch14-336@refs/pr/7"));
        assertEquals("models--openai--clip-vit-base-patch16", HubId.parse("openai/clip-vit-base-patch16").orElseThrow()
                .cacheFolderName());
    }

    @Test
    void recognisesCommitHashes() {
        assertTrue(HubId.parse("a/b@0123456789abcdef0123456789abcdef01234567").orElseThrow().revisionIsCommit());
        assertFalse(HubId.parse("a/b@v1.0").orElseThrow().revisionIsCommit());
    }

    @Test
    void rejectsWhatIsNoHubId() {
        for (String bad : new String[] {"dinov2", "/abs/path", "a/b/c", "../x", "a/..", "a/b@", "a/b@x/../y", "./x"}) {
            assertEquals(Optional.empty(), HubId.parse(bad), bad);
        }
    }
}
