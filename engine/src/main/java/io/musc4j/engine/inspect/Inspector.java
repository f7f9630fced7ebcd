package io.musc4j.engine.inspect;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import io.musc4j.common.image.ImageDecoder;
import io.musc4j.common.image.RgbImage;
import io.musc4j.engine.FeatureExtractor;
import io.musc4j.engine.MuSc;
import io.musc4j.engine.MuscConfig;
import io.musc4j.engine.MuscPipeline;
import io.musc4j.engine.StageListener;
import io.musc4j.engine.StageListener.Stage;
import io.musc4j.engine.maps.ImageMap;
import io.musc4j.engine.msm.NeighbourhoodMaps;
import io.musc4j.engine.threshold.ThresholdRule;
import io.musc4j.engine.tiles.TilePool;
import io.musc4j.engine.tiles.Tiling;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * MuSc for a production line, which sees one part at a time instead of a whole set.
 *
 * <p><b>Bank.</b> The inspector keeps the aggregated features (per pass: tapped layer and LNAMD
 * degree r, or SNAMD's one set) of the last M admitted parts. Each incoming part runs through the
 * MuSc instance's {@link MuscPipeline} with the bank as the patch scorer ({@link BankMsm}): per patch,
 * the distance to the nearest patch of each bank part, then the mean of the smallest of these M
 * distances as ranked by the {@link io.musc4j.engine.msm.MsmInterval} (k = max(1, int(0.3·M)) at
 * the default [0, 0.3]); then the pipeline's mean over layers and over degrees gives the patch map,
 * upsampled (bilinear, align corners) to the S×S pixel map whose maximum is the score. These are
 * exactly the numbers {@link MuSc#scoreImages} gives that part (score before RsCIN, and its map) when
 * scored together with those M parts. Full MSM only: a MuSc instance with aligned scoring is refused,
 * and one that cuts images into tiles takes a {@link TiledInspector} ({@link Builder#buildTiled}, whose
 * banks are inspectors of this class, pooled by position or all together). Then the part joins the bank,
 * evicting the oldest when the bank holds M. Backbone, image size, layers, degrees, interval and batch
 * size are those of the {@link MuSc} instance the inspector is built on. The images of one {@link #inspect(List)} call are all scored
 * against the bank as it stood when the call began (not against each other), then admitted in order.
 *
 * <p><b>Warm-up.</b> Until the bank has held W parts (W = {@link Builder#warmUp}, 2 ≤ W ≤ M,
 * default min(M, 16)), parts are not judged: their verdict is {@link Verdict#WARMING_UP}, the
 * threshold NaN and the region list empty; they are still scored against whatever the bank holds
 * (the very first part, against an empty bank, has score NaN and an all-NaN map) and always
 * admitted. Parts inspected after the bank has reached W are judged.
 *
 * <p><b>Threshold.</b> Either fixed by the user ({@link Builder#threshold(double)}, an absolute
 * score), or a label-free {@link ThresholdRule} ({@link Builder#rule}, the batch run's family; the
 * default {@code mixture:3} holds whatever the share of defects; {@link Builder#madFactor(double)} is
 * {@code mad:k}) applied to the <i>reference scores</i>. The
 * reference scores start, when the bank first holds W parts, as the MuSc scores of those parts
 * scored mutually (each against the other W−1, i.e. MuSc on the bank). From then on each part
 * admitted to the bank appends its score and the oldest is dropped beyond M, so the window holds at
 * most M scores. A call is judged against the threshold of the window as it stood when the call began.
 * A part is {@link Verdict#ANOMALOUS} if its score is above the threshold; its regions are the
 * 8-connected components of the pixels above the same threshold of its map read back to the image's
 * own size, in image pixels ({@link PartRegions}, the rule of a batch run's regions).
 *
 * <p><b>Admission.</b> By default every part joins the bank, as the unlabeled line model
 * asks (MSM tolerates a minority of defective references). With {@code admitAnomalous(false)}
 * parts judged ANOMALOUS are kept out of the bank and out of the reference scores, so a run of
 * defects cannot become the reference; warming-up parts are always admitted.
 *
 * <p><b>Failing closed.</b> A part whose features or score are NaN or infinite (a broken model) is
 * never judged: the call throws {@link NonFiniteScoreException} naming the model, and none of its parts
 * joins the bank or the reference scores, with a fixed threshold as with the adaptive one.
 *
 * <p><b>Restarts.</b> {@link #save} writes the whole state (bank, reference window, sequence, warm-up)
 * into a folder, {@link #restore} carries on from it bit for bit; a state saved under another model or
 * configuration is refused.
 *
 * <p><b>Resources and threads.</b> The bank lives in its own native manager and has a fixed size once
 * the first part is in (new parts overwrite the oldest in place); all per-call work happens in a
 * manager closed before the call returns. {@link #inspect} calls are synchronized and run one at a
 * time. The inspector does not own the {@link MuSc} instance: close the inspector, then the MuSc; a
 * MuSc closed while an inspection is inside it waits for that inspection ({@link MuSc#inUse}).
 */
public final class Inspector implements LineInspector {

    private final MuSc musc;
    private final ImageDecoder decoder;
    private final FeatureExtractor extractor;
    private final Device device;
    private final MuscConfig config;
    /** How messages name the model. */
    private final String model;
    private final MuscPipeline pipeline;
    private final int capacity;
    private final int warmUp;
    /** 0: every image is a part; else the tiles per part of a tiled inspector's all pool, each call one
     *  part's tiles (see {@link #Inspector(Builder, boolean, int)}). */
    private final int tilesPerCall;
    private final double fixedThreshold;
    private final ThresholdRule rule;
    private final boolean admitAnomalous;
    private final int gridH;
    private final int gridW;
    private final int layers;
    private final int sets;
    private final BankMsm scoring;
    private final FeatureBank bank;
    private final ArrayDeque<Double> referenceScores = new ArrayDeque<>();
    private final InspectorState state;
    private boolean warm;
    private long inspected;
    private boolean closed;

    /**
     * @param tile whether a {@link TiledInspector} builds it (the MuSc instance then tiles)
     * @param tilesPerCall 0 where every image is a part (a plain inspector, a position of a tiled one);
     *     else the R·C tiles of a part in the all pool: every call is one part's tiles, which are scored
     *     against the bank and each other ({@link BankMsm}), and the bank, warm-up and reference window
     *     count R·C tiles per part of the builder's
     */
    Inspector(Builder b, boolean tile, int tilesPerCall) {
        this.musc = b.musc;
        this.extractor = b.musc.extractor();
        this.decoder = b.musc.imageDecoder();
        this.device = b.musc.device();
        this.config = b.musc.config();
        this.model = config.model() != null ? config.model() : "(a loaded " + b.musc.backboneSpec().profile() + ")";
        if (!tile && !config.tiling().isOff()) {
            throw new IllegalArgumentException("the inspector scores whole parts against one bank; for a MuSc instance"
                    + " that cuts images into tiles (" + config.tiling().describe() + ") build a TiledInspector"
                    + " (Inspector.builder(musc).buildTiled())");
        }
        if (config.scoring().isAligned()) {
            throw new IllegalArgumentException("the inspector scores against its bank with full MSM; scoring "
                    + config.scoring() + " is not available against a bank");
        }
        this.pipeline = b.musc.pipeline();
        int warmParts = b.warmUp > 0 ? b.warmUp : Math.min(b.bankSize, 16);
        if (warmParts < 2 || warmParts > b.bankSize) {
            throw new IllegalArgumentException("warm-up must be between 2 and the bank size " + b.bankSize
                    + ", got " + warmParts);
        }
        this.tilesPerCall = tilesPerCall;
        int perPart = Math.max(1, tilesPerCall);
        this.capacity = b.bankSize * perPart;
        this.warmUp = warmParts * perPart;
        this.fixedThreshold = b.fixedThreshold;
        this.rule = b.rule;
        this.admitAnomalous = b.admitAnomalous;
        int size = b.musc.imageSize();
        this.gridH = b.musc.backboneSpec().grid(size);
        this.gridW = gridH;
        this.layers = b.musc.layers().length;
        this.sets = pipeline.aggregation().featureSets().size();
        // per layer where the configuration's scorer scores a whole bank so (the bank's own MSM at warm-up)
        boolean layered = pipeline.scoresLayers(capacity, gridH, gridW, b.musc.backboneSpec().hiddenSize(), device);
        this.bank = new FeatureBank(capacity, sets, layers, layered, config.precision().products(), device);
        this.scoring = new BankMsm(config, bank, tilesPerCall > 0);
        this.state = new InspectorState(stateConfiguration(b.musc, capacity, warmUp, fixedThreshold, rule,
                admitAnomalous, layered));
    }

    /** A builder on a MuSc instance, whose backbone and scoring configuration the inspector uses. */
    public static Builder builder(MuSc musc) {
        return new Builder(musc);
    }

    /** Inspects one part. */
    public Inspection inspect(RgbImage image) {
        return inspect(List.of(image)).get(0);
    }

    /** Inspects one part read from a file with the MuSc instance's image decoder. */
    public Inspection inspect(Path file) throws IOException {
        return inspect(decoder.decode(file));
    }

    /**
     * Inspects a few parts at once (one backbone pass per batch): each is scored against the bank as
     * it stood when the call began, then they are admitted in order.
     */
    public synchronized List<Inspection> inspect(List<RgbImage> images) {
        try (Judged judged = judge(images)) {
            return judged.admit();
        }
    }

    /**
     * The first half of {@link #inspect(List)}: the parts scored and judged against the bank as it
     * stands, nothing admitted yet. A tiled inspector judges every position's tile this way before any
     * is admitted, so that a tile that fails leaves every bank as it was. Only an owner that no other
     * thread reaches between the two steps (the tiled inspector, under its own lock) may split them.
     *
     * @throws NonFiniteScoreException when a part's features or score are not finite; nothing changes
     */
    synchronized Judged judge(List<RgbImage> images) {
        if (closed) {
            throw new IllegalStateException("the inspector is closed");
        }
        // the instance is held from here, so that closing it waits for this call
        MuSc.InUse use = musc.inUse();
        NDManager call = null;
        try {
            List<RgbImage> parts = List.copyOf(images);
            if (parts.isEmpty()) {
                throw new IllegalArgumentException("nothing to inspect: no images given");
            }
            if (tilesPerCall > 0 && parts.size() != tilesPerCall) {
                throw new IllegalStateException("a pooled bank takes one part's " + tilesPerCall
                        + " tiles a call, got " + parts.size());
            }
            call = NDManager.newBaseManager(device);
            Judged judged = new Judged(parts, use, call);
            judged.score();
            return judged;
        } catch (RuntimeException | Error e) {
            if (call != null) {
                call.close();
            }
            use.close();
            throw e;
        }
    }

    /** Parts of one call, scored and judged; {@link #admit} adds them to the bank, closing drops them. */
    final class Judged implements AutoCloseable {
        private final List<RgbImage> parts;
        private final MuSc.InUse use;
        private final NDManager call;
        private final StageClock clock = new StageClock();
        private final boolean judged = warm;
        private final double threshold = warm ? threshold() : Double.NaN;
        private final int bankParts = bank.size();
        private MuscPipeline.Queried scored;
        private double[] scores;
        private float[][] maps;
        private Verdict[] verdicts;
        private List<List<Region>> regions;
        private long judgedAt;
        private boolean admitted;

        private Judged(List<RgbImage> parts, MuSc.InUse use, NDManager call) {
            this.parts = parts;
            this.use = use;
            this.call = call;
        }

        private void score() {
            int q = parts.size();
            int s = config.imageSize();
            try {
                scored = pipeline.withStages(clock).scoreQueries(extractor, parts, scoring, call);
            } catch (IOException e) {
                // the images are in memory: the extractor's source cannot fail
                throw new UncheckedIOException(e);
            }
            requireFinite(scored, q);
            scores = new double[q];
            maps = new float[q][];
            if (scored.maps() == null) {
                Arrays.fill(scores, Double.NaN);
                for (int i = 0; i < q; i++) {
                    maps[i] = new float[s * s];
                    Arrays.fill(maps[i], Float.NaN);
                }
            } else {
                scores = scored.maps().scores();
                maps = scored.maps().maps();
                for (int i = 0; i < q; i++) {
                    if (!Double.isFinite(scores[i])) {
                        throw notANumber("a " + scores[i] + " score", i, q);
                    }
                }
            }
            verdicts = new Verdict[q];
            regions = new ArrayList<>(q);
            for (int i = 0; i < q; i++) {
                verdicts[i] = !judged ? Verdict.WARMING_UP
                        : scores[i] > threshold ? Verdict.ANOMALOUS : Verdict.NORMAL;
                RgbImage image = parts.get(i);
                regions.add(verdicts[i] != Verdict.ANOMALOUS ? List.of() : PartRegions.of(
                        ImageMap.fromNetwork(maps[i], s, image.width(), image.height()), threshold, threshold,
                        true, false).regions());
            }
            judgedAt = System.nanoTime();
        }

        /** Admits the parts in order and returns their inspections; once. */
        List<Inspection> admit() {
            synchronized (Inspector.this) {
                if (admitted) {
                    throw new IllegalStateException("already admitted");
                }
                admitted = true;
                int q = parts.size();
                long admitting = System.nanoTime();
                for (int i = 0; i < q; i++) {
                    Inspector.this.admit(scored, i, scores[i], verdicts[i], call);
                }
                Inspection.Timing timing = new Inspection.Timing(clock.nanos(Stage.BACKBONE),
                        clock.nanos(Stage.AGGREGATION), clock.nanos(Stage.SCORING),
                        clock.nanos(Stage.MAPS) + judgedAt - clock.last(), System.nanoTime() - admitting, q);
                List<Inspection> out = new ArrayList<>(q);
                for (int i = 0; i < q; i++) {
                    RgbImage image = parts.get(i);
                    // the tiles of a pooled call are one part, which they number
                    out.add(new Inspection(inspected + (tilesPerCall > 0 ? 1 : i + 1), scores[i], maps[i],
                            config.imageSize(), verdicts[i], threshold, regions.get(i), bankParts, image.width(),
                            image.height(), timing));
                }
                inspected += tilesPerCall > 0 ? 1 : q;
                return out;
            }
        }

        @Override
        public void close() {
            try {
                call.close();
            } finally {
                use.close();
            }
        }
    }

    /**
     * Fails closed: a part whose features hold NaN or infinity would be judged against a NaN threshold
     * (NORMAL, as {@code NaN > t} is false) and would poison the bank and the threshold window.
     */
    private void requireFinite(MuscPipeline.Queried scored, int q) {
        // each array with the axis of its parts: a map's or features' first, the per-degree norms' second
        List<Map.Entry<NDArray, Integer>> arrays = new ArrayList<>();
        if (scored.layers() != null) {
            for (NeighbourhoodMaps.Block layer : scored.layers()) {
                arrays.add(Map.entry(layer.map(), 0));
                arrays.add(Map.entry(layer.inverseNorms(), 1));
            }
        } else {
            for (NDArray[] set : scored.features()) {
                for (NDArray features : set) {
                    arrays.add(Map.entry(features, 0));
                }
            }
        }
        for (Map.Entry<NDArray, Integer> entry : arrays) {
            NDArray array = entry.getKey();
            int axis = entry.getValue();
            // one check (and one wait for the device) per array; the parts are looked at one by one
            // only to name the bad one
            if (hasNonFinite(array)) {
                for (int i = 0; i < q; i++) {
                    try (NDArray part = array.get(axis == 0 ? new NDIndex("{}", i) : new NDIndex(":, {}", i))) {
                        if (hasNonFinite(part)) {
                            throw notANumber("non-finite features", i, q);
                        }
                    }
                }
            }
        }
    }

    private static boolean hasNonFinite(NDArray a) {
        try (NDArray nan = a.isNaN(); NDArray inf = a.isInfinite(); NDArray bad = nan.logicalOr(inf);
             NDArray any = bad.any()) {
            return any.getBoolean();
        }
    }

    private NonFiniteScoreException notANumber(String what, int i, int q) {
        return new NonFiniteScoreException("model " + model + " gives " + what + " for "
                + (tilesPerCall > 0 ? "tile " + (i + 1) + " of the part"
                        : q == 1 ? "the part" : "part " + (i + 1) + " of the " + q + " in this call")
                + "; not judged and nothing added to the bank or the threshold window");
    }

    /** The time of each stage of one call, from the pipeline's stage ends. */
    private static final class StageClock implements StageListener {
        private final long[] nanos = new long[Stage.values().length];
        private long last = System.nanoTime();

        @Override
        public void finished(Stage stage) {
            long now = System.nanoTime();
            nanos[stage.ordinal()] += now - last;
            last = now;
        }

        long nanos(Stage stage) {
            return nanos[stage.ordinal()];
        }

        long last() {
            return last;
        }
    }

    private void admit(MuscPipeline.Queried scored, int i, double score, Verdict verdict, NDManager call) {
        if (verdict == Verdict.ANOMALOUS && !admitAnomalous) {
            return;
        }
        if (bank.layered()) {
            bank.add(scored.layers(), i);
        } else {
            bank.add(scored.features(), i);
        }
        if (warm) {
            remember(score);
        } else if (bank.size() >= warmUp) {
            warm = true;
            if (Double.isNaN(fixedThreshold)) {
                seedReferenceScores(call);
            }
        }
    }

    /** The reference scores start as MuSc on the bank: each part scored against all the others. */
    private void seedReferenceScores(NDManager call) {
        double[] scores = (bank.layered()
                ? pipeline.scoreHeldLayers(bank.size(), layers, layer -> NeighbourhoodMaps.of(bank.maps(layer, call),
                        gridH, gridW, pipeline.aggregation().featureSets()), gridH, gridW, call)
                : pipeline.scoreHeld(bank.size(), layers, pass -> bank.features(pass.set(), pass.layer()), gridH,
                        gridW, call)).scoresBeforeRscin();
        for (double score : scores) {
            remember(score);
        }
    }

    private void remember(double score) {
        referenceScores.addLast(score);
        if (referenceScores.size() > capacity) {
            referenceScores.removeFirst();
        }
    }

    private double threshold() {
        if (!Double.isNaN(fixedThreshold)) {
            return fixedThreshold;
        }
        return rule.apply(referenceScores.stream().mapToDouble(Double::doubleValue).toArray());
    }

    /** The threshold the next part will be judged against; NaN while warming up. */
    public synchronized double currentThreshold() {
        return warm ? threshold() : Double.NaN;
    }

    /** {@link #currentThreshold}, the bank's one. */
    @Override
    public double[] currentThresholds() {
        return new double[] {currentThreshold()};
    }

    /** The reference scores the adaptive threshold is computed from, oldest first (empty if fixed or warming up). */
    public synchronized double[] referenceScores() {
        return referenceScores.stream().mapToDouble(Double::doubleValue).toArray();
    }

    /** Parts in the bank now. */
    @Override
    public synchronized int bankSize() {
        return bank.size();
    }

    /** Parts inspected so far. */
    @Override
    public synchronized long inspected() {
        return inspected;
    }

    /**
     * Saves the inspector's state into {@code folder}: the bank in the kernel's product form, the
     * threshold's reference window, the sequence number, whether warm-up is over, and the configuration
     * it belongs to, each file with a checksum. Saving after every call writes only the parts admitted
     * since the last save into the same folder, and an interrupted save leaves the previous state
     * whole ({@link InspectorState}). The folder belongs to this inspector: keep nothing else in it.
     *
     * @throws IOException naming the file that could not be written
     */
    @Override
    public synchronized void save(Path folder) throws IOException {
        state.save(folder, snapshot(), bank);
    }

    private InspectorState.Snapshot snapshot() {
        if (closed) {
            throw new IllegalStateException("the inspector is closed");
        }
        return new InspectorState.Snapshot(inspected, warm, referenceScores());
    }

    /** The first half of a save whose state bytes a {@link TiledInspector} keeps in its own file: writes the
     *  part files admitted since the last save into {@code folder}. */
    synchronized InspectorState.Written writeParts(Path folder) throws IOException {
        return state.write(folder, snapshot(), bank);
    }

    /** The second half, once the state bytes are on disk: deletes the part files no state names. */
    synchronized void settle(InspectorState.Written written) throws IOException {
        state.settle(written);
    }

    /**
     * An inspector configured by {@code builder} that carries on where the one saved in {@code folder}
     * left off: every later verdict, score and map is bit for bit what the saved inspector would have
     * given, with no new warm-up.
     *
     * @throws IOException with one line naming the file and the problem: no state, a damaged file, or
     *     a state saved under another model or configuration (the first setting that differs)
     */
    public static Inspector restore(Path folder, Builder builder) throws IOException {
        Inspector inspector = builder.build();
        try {
            inspector.adopt(inspector.state.restore(folder, inspector.bank));
            return inspector;
        } catch (IOException | RuntimeException e) {
            inspector.close();
            throw e;
        }
    }

    /** Carries on from state bytes {@link #writeParts} gave, whose part files are in {@code folder}; this
     *  inspector has inspected nothing yet ({@code where}: how messages name the bytes). */
    synchronized void restore(String where, byte[] saved, Path folder) throws IOException {
        adopt(state.restore(where, saved, folder, bank));
    }

    private synchronized void adopt(InspectorState.Snapshot saved) {
        inspected = saved.inspected();
        warm = saved.warm();
        for (double score : saved.referenceScores()) {
            referenceScores.addLast(score);
        }
    }

    /** Whether {@code folder} holds a state {@link #save} wrote (complete: a save writes its state file last). */
    public static boolean isSaved(Path folder) {
        return Files.isRegularFile(folder.resolve(InspectorState.STATE));
    }

    /**
     * What a saved state must match to be restored, one setting a line: the model and its backbone,
     * every option that shapes a score, and the inspector's own.
     */
    private static String stateConfiguration(MuSc musc, int capacity, int warmUp, double fixedThreshold,
            ThresholdRule rule, boolean admitAnomalous, boolean layered) {
        MuscConfig c = musc.config();
        return String.join("\n",
                "model=" + c.model(),
                "backbone=" + musc.backboneSpec(),
                "image_size=" + musc.imageSize(),
                "layers=" + Arrays.toString(musc.layers()),
                "degrees=" + c.degrees(),
                "interval=" + c.interval().low() + "," + c.interval().high(),
                "scoring=" + c.scoring(),
                "aggregation=" + c.aggregation(),
                "precision=" + c.precision(),
                "device=" + musc.device(),
                "batch=" + c.batchSize(),
                // the form the bank's parts are saved in (the scoring path's, see FeatureBank)
                "bank_form=" + (layered ? "layers" : "passes"),
                "memory_budget_bytes=" + c.memoryBudgetBytes(),
                "bank=" + capacity,
                "warm_up=" + warmUp,
                "threshold=" + (Double.isNaN(fixedThreshold) ? rule.canonical() : "fixed:" + fixedThreshold),
                "admit_anomalous=" + admitAnomalous);
    }

    /** The configuration a state of this inspector is saved under, one setting a line. */
    String configuration() {
        return state.configuration();
    }

    /** Native arrays held by the bank (for leak checks). */
    synchronized int bankArrays() {
        return bank.liveArrays();
    }

    /** Frees the bank. The MuSc instance stays open. */
    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            bank.close();
        }
    }

    /** Configuration of an {@link Inspector}. */
    public static final class Builder {
        private final MuSc musc;
        private int bankSize = 64;
        private int warmUp;
        private double fixedThreshold = Double.NaN;
        private ThresholdRule rule = ThresholdRule.DEFAULT;
        private boolean admitAnomalous = true;
        private boolean packWeights;

        private Builder(MuSc musc) {
            this.musc = Objects.requireNonNull(musc, "musc");
        }

        /** These options as they are now, apart from later changes to this builder. */
        private Builder copy() {
            Builder b = new Builder(musc);
            b.bankSize = bankSize;
            b.warmUp = warmUp;
            b.fixedThreshold = fixedThreshold;
            b.rule = rule;
            b.admitAnomalous = admitAnomalous;
            b.packWeights = packWeights;
            return b;
        }

        /** M: parts kept in the bank (default 64), at least 2. */
        public Builder bankSize(int parts) {
            if (parts < 2) {
                throw new IllegalArgumentException("bank size must be at least 2, got " + parts);
            }
            this.bankSize = parts;
            return this;
        }

        /** W: parts that only fill the bank before judging starts (default min(M, 16)); 2 ≤ W ≤ M. */
        public Builder warmUp(int parts) {
            if (parts < 2) {
                throw new IllegalArgumentException("warm-up must be at least 2 parts, got " + parts);
            }
            this.warmUp = parts;
            return this;
        }

        /** A fixed absolute score threshold instead of the adaptive one. */
        public Builder threshold(double score) {
            if (!Double.isFinite(score)) {
                throw new IllegalArgumentException("threshold must be a finite score, got " + score);
            }
            this.fixedThreshold = score;
            return this;
        }

        /** The adaptive threshold median + k·1.4826·MAD ({@code mad:k}); clears a fixed threshold. */
        public Builder madFactor(double k) {
            if (!(k >= 0) || Double.isInfinite(k)) {
                throw new IllegalArgumentException("MAD factor must be finite and >= 0, got " + k);
            }
            return rule(new ThresholdRule(ThresholdRule.Kind.MAD, k));
        }

        /** The rule of the adaptive threshold (default {@code mixture:3}); clears a fixed threshold. */
        public Builder rule(ThresholdRule adaptive) {
            this.rule = Objects.requireNonNull(adaptive, "rule");
            this.fixedThreshold = Double.NaN;
            return this;
        }

        /** Whether parts judged ANOMALOUS join the bank (default true). */
        public Builder admitAnomalous(boolean admit) {
            this.admitAnomalous = admit;
            return this;
        }

        /** Builds the inspector; its bank is empty. */
        public Inspector build() {
            packIfAsked();
            return new Inspector(this, false, 0);
        }

        /**
         * Packs the backbone's linear weights for one image per pass ({@link
         * io.musc4j.engine.FeatureExtractor#packWeights}): a part inspected alone (and each tile of a
         * tiled inspector pooled by position) skips MKL's re-layout of every weight on every product. On
         * a 2-core Zen 5, ViT-B/14 at 224 and batch 1, the backbone was 0–21 % faster per part in three sets
         * of alternating runs, the bank's scoring a few per cent slower (docs/performance.md): measure
         * first. The packed copies take about twice the weights' memory (828 MiB more for ViT-B/14) for as
         * long as the MuSc instance lives, and its products round differently: scores stay within 1e-5 of
         * {@code MuSc}'s on the same parts. Off by default; float32 on an x86-64 CPU only.
         */
        public Builder packWeights(boolean pack) {
            this.packWeights = pack;
            return this;
        }

        private void packIfAsked() {
            if (packWeights) {
                try {
                    musc.extractor().packWeights(1);
                } catch (UnsupportedOperationException e) {
                    throw new IllegalArgumentException("packWeights: " + e.getMessage(), e);
                }
            }
        }

        /**
         * Builds the inspector of parts cut into tiles as the MuSc instance's tiling says, pooled as it
         * says ({@link TiledInspector}); its banks are made at the first part, whose size gives the grid.
         * {@link #bankSize} and {@link #warmUp} count parts.
         *
         * @throws IllegalArgumentException when the MuSc instance does not tile, or an option is out of range
         */
        public TiledInspector buildTiled() {
            Tiling tiling = musc.config().tiling();
            if (tiling.isOff()) {
                throw new IllegalArgumentException("a tiled inspector needs a MuSc instance that tiles; its tiling is "
                        + tiling.describe());
            }
            Builder options = copy();
            packIfAsked();
            return new TiledInspector(tiling, musc.imageSize(), options.tiledConfiguration(), tiles ->
                    new Inspector(options, true, tiling.pool() == TilePool.ALL ? tiles : 0));
        }

        /**
         * What a tiled inspector's state is saved under: the tiling, then what a plain inspector's is with
         * the bank and warm-up in parts. Checks the options now, not at the first part.
         */
        String tiledConfiguration() {
            try (Inspector options = new Inspector(this, true, 0)) {
                return "tiling=" + musc.config().tiling().describe() + "\n" + options.configuration();
            }
        }
    }
}
