package io.musc4j.models.profile;

import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/** Every backbone family musc4j runs, one registered {@link BackboneProfile} each. */
public final class BackboneProfiles {

    /** DINOv2 (SPEC §2a). */
    public static final BackboneProfile DINOV2 = Dinov2Profile.plain();
    /** DINOv2 with register tokens (no reference run exists; tested against its definition). */
    public static final BackboneProfile DINOV2_WITH_REGISTERS = Dinov2Profile.withRegisters();
    /** DINO v1 (SPEC §2d). */
    public static final BackboneProfile DINO = new DinoProfile();
    /** CLIP's vision tower (SPEC §2b). */
    public static final BackboneProfile CLIP = new ClipProfile();

    private static final List<BackboneProfile> ALL = List.of(DINOV2, DINOV2_WITH_REGISTERS, DINO, CLIP);

    private BackboneProfiles() {
    }

    /** All registered profiles. */
    public static List<BackboneProfile> all() {
        return ALL;
    }

    /** The profile that reads transformers configs of {@code modelType}. */
    public static Optional<BackboneProfile> forModelType(String modelType) {
        return ALL.stream().filter(p -> p.modelTypes().contains(modelType)).findFirst();
    }

    /** Every model type some profile reads, sorted (for messages). */
    public static String modelTypes() {
        return ALL.stream().flatMap(p -> p.modelTypes().stream()).sorted().collect(Collectors.joining(", "));
    }
}
