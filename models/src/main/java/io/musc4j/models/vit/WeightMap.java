package io.musc4j.models.vit;

import io.musc4j.models.io.TensorSource;
import io.musc4j.models.io.WeightFileException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

/**
 * How one checkpoint layout names the tensors of a ViT: a rule per canonical name saying which stored
 * tensors give it and how. {@link VitWeights} reads only canonical names, so every layout of the same
 * weights yields the same numbers.
 *
 * <p>Canonical names and shapes (C width, P patch, M trained grid, R registers, H MLP width, F fc1
 * width = H, or 2H for SwiGLU, D projection width; linear weights are (out, in) as PyTorch stores them):
 * <pre>
 * patch.weight (C,3,P,P)   patch.bias (C)        cls (C)       registers (R,C)     pos (1+M²,C), CLS row first
 * pre_norm.{weight,bias} (C)
 * blocks.i.norm1.{weight,bias} (C)   blocks.i.qkv.weight (3C,C), rows [q;k;v]   blocks.i.qkv.bias (3C)
 * blocks.i.proj.weight (C,C)   blocks.i.proj.bias (C)   blocks.i.ls1 (C)
 * blocks.i.norm2.{weight,bias} (C)   blocks.i.fc1.weight (F,C)   blocks.i.fc1.bias (F)
 * blocks.i.fc2.weight (C,H)   blocks.i.fc2.bias (C)   blocks.i.ls2 (C)
 * norm.{weight,bias} (C)   head.weight (D,C)
 * </pre>
 * Shapes are compared without their size-1 axes, so (1,1,C) serves for (C).
 */
public final class WeightMap {

    /** Buffers that libtorch uses in place start at this alignment, which its own allocations have. */
    private static final int ALIGNMENT = 64;

    /** Reads one stored tensor of an expected shape. */
    @FunctionalInterface
    private interface Stored {
        float[] get(String name, long... shape) throws WeightFileException;
    }

    /** How one canonical tensor is made from stored ones. */
    private interface Rule {
        float[] read(Stored stored, long[] shape) throws WeightFileException;

        /**
         * The stored tensors this canonical tensor is, unchanged and stacked along its first axis in
         * this order; empty where the rule computes its values.
         */
        default List<String> stacked() {
            return List.of();
        }
    }

    private record Same(String source) implements Rule {
        @Override
        public float[] read(Stored stored, long[] shape) throws WeightFileException {
            return stored.get(source, shape);
        }

        @Override
        public List<String> stacked() {
            return List.of(source);
        }
    }

    private record Concat(List<String> sources) implements Rule {
        @Override
        public float[] read(Stored stored, long[] shape) throws WeightFileException {
            long[] part = partShape(shape, sources.size());
            float[] out = new float[Math.toIntExact(count(shape))];
            int at = 0;
            for (String s : sources) {
                float[] v = stored.get(s, part);
                System.arraycopy(v, 0, out, at, v.length);
                at += v.length;
            }
            return out;
        }

        @Override
        public List<String> stacked() {
            return sources;
        }
    }

    /** The shape of one of {@code parts} equal tensors stacked along the first axis into {@code shape}. */
    private static long[] partShape(long[] shape, int parts) {
        long[] part = shape.clone();
        if (part[0] % parts != 0) {
            throw new IllegalStateException(Arrays.toString(shape) + " does not split into " + parts);
        }
        part[0] /= parts;
        return part;
    }

    private static Rule transposed(String source) {
        return (stored, shape) -> transpose(stored.get(source, shape[1], shape[0]), (int) shape[1], (int) shape[0]);
    }

    private static Rule zeroRowFirst(String source) {
        return (stored, shape) -> {
            float[] rest = stored.get(source, shape[0] - 1, shape[1]);
            float[] out = new float[rest.length + (int) shape[1]];
            System.arraycopy(rest, 0, out, (int) shape[1], rest.length);
            return out;
        };
    }

    private final Map<String, Rule> rules = new LinkedHashMap<>();
    private final List<Predicate<String>> ignored = new ArrayList<>();
    private final List<String> zeros = new ArrayList<>();

    /** {@code canonical} is the stored tensor {@code source}. */
    public WeightMap same(String canonical, String source) {
        rules.put(canonical, new Same(source));
        return this;
    }

    /** {@code canonical} is the stored tensors stacked along their first axis (e.g. q, k, v into qkv). */
    public WeightMap concat(String canonical, String... sources) {
        rules.put(canonical, new Concat(List.of(sources)));
        return this;
    }

    /** {@code canonical} (a,b) is the stored (b,a) matrix transposed (e.g. open_clip's {@code proj}). */
    public WeightMap transposed(String canonical, String source) {
        rules.put(canonical, transposed(source));
        return this;
    }

    /**
     * {@code canonical} (1+n, c) is a zero row followed by the stored (n, c) rows: a position embedding
     * stored without its class-token row, whose value the layout folded into the class token (timm's
     * {@code no_embed_class}).
     */
    public WeightMap zeroRowFirst(String canonical, String source) {
        rules.put(canonical, zeroRowFirst(source));
        return this;
    }

    /** Stored tensors the network does not use (another tower, a classifier, buffers). */
    public WeightMap ignore(Predicate<String> stored) {
        ignored.add(stored);
        return this;
    }

    /** A stored tensor the network does not use, accepted only if it is all zeros (e.g. a bias timm adds). */
    public WeightMap mustBeZero(String stored) {
        zeros.add(stored);
        return this;
    }

    /** The canonical tensors of {@code source}. */
    public CanonicalTensors over(TensorSource source) {
        return new Reader(source);
    }

    /**
     * A read of {@code source}'s canonical tensors into memory of their own: those it stores as float32
     * and this layout stacks unchanged (nearly all of a ViT's bytes), one buffer per canonical tensor
     * with its stored tensors one after another ({@link CanonicalTensors#resident}), as long as they
     * take at most {@code budgetBytes} in all (a tensor that would go over takes the mapped route).
     * Nothing is read until threads {@link ResidentRead#help} with it. Shapes are checked later, when
     * each is asked for.
     */
    public ResidentRead residentRead(TensorSource source, long budgetBytes) {
        List<Map.Entry<String, List<String>>> todo = new ArrayList<>();
        rules.forEach((canonical, rule) -> {
            if (!rule.stacked().isEmpty()) {
                todo.add(Map.entry(canonical, rule.stacked()));
            }
        });
        return new ResidentRead(new Reader(source, budgetBytes), todo);
    }

    /**
     * Canonical tensors being read into memory of their own by whichever threads help: each takes the
     * next tensor no thread has taken, so a thread that has done its other work joins one that started
     * earlier instead of waiting for it.
     */
    public static final class ResidentRead {
        private final Reader reader;
        private final List<Map.Entry<String, List<String>>> todo;
        private final AtomicInteger next = new AtomicInteger();

        private ResidentRead(Reader reader, List<Map.Entry<String, List<String>>> todo) {
            this.reader = reader;
            this.todo = todo;
        }

        /**
         * Reads tensors no thread has taken until none is left or {@code stop} says so (the rest then
         * take the mapped route). Returns once this thread's last tensor is read, not the others'.
         */
        public void help(BooleanSupplier stop) throws WeightFileException {
            int i;
            while (!stop.getAsBoolean() && (i = next.getAndIncrement()) < todo.size()) {
                reader.hold(todo.get(i).getKey(), todo.get(i).getValue());
            }
        }

        /**
         * The canonical tensors, those read so far in memory of their own: to be used once every
         * helping thread has returned, by one thread.
         */
        public CanonicalTensors tensors() {
            return reader;
        }
    }

    /** Reads canonical tensors; {@link #finish()} refuses stored tensors nothing used. */
    private final class Reader implements CanonicalTensors {
        private final TensorSource source;
        private final Set<String> left;
        // filled by the threads of a ResidentRead, then read by the one that loads
        private final Map<String, ByteBuffer> held = new ConcurrentHashMap<>();
        /** Bytes the held tensors may take, and those taken so far. */
        private final long budget;
        private final AtomicLong taken = new AtomicLong();

        Reader(TensorSource source) {
            this(source, 0);
        }

        Reader(TensorSource source, long budget) {
            this.source = source;
            this.left = new HashSet<>(source.names());
            this.budget = budget;
        }

        /** Reads the stored float32 tensors {@code parts} into one buffer of its own as {@code canonical}. */
        void hold(String canonical, List<String> parts) throws WeightFileException {
            // a missing tensor is reported by the read that asks for it
            Optional<List<ByteBuffer>> found = source.names().containsAll(parts) ? float32Views(parts)
                    : Optional.empty();
            if (found.isEmpty()) {
                return;
            }
            List<ByteBuffer> views = found.get();
            long bytes = views.stream().mapToLong(ByteBuffer::remaining).sum();
            if (bytes > Integer.MAX_VALUE - 2 * ALIGNMENT) {
                return;
            }
            int size = (int) bytes;
            if (taken.addAndGet(size) > budget) {
                taken.addAndGet(-size);
                return;
            }
            // the aligned slice's capacity is rounded down to the alignment: two units spare cover it
            ByteBuffer aligned = ByteBuffer.allocateDirect(size + 2 * ALIGNMENT).alignedSlice(ALIGNMENT);
            aligned.limit(size);
            ByteBuffer own = aligned.slice().order(ByteOrder.LITTLE_ENDIAN);
            for (ByteBuffer v : views) {
                own.put(v.duplicate());
            }
            held.put(canonical, own.clear());
        }

        @Override
        public float[] read(String canonical, long... shape) throws WeightFileException {
            return rule(canonical).read(this::stored, shape);
        }

        @Override
        public Optional<List<ByteBuffer>> float32Parts(String canonical, long... shape) throws WeightFileException {
            List<String> names = rule(canonical).stacked();
            if (names.isEmpty()) {
                return Optional.empty();
            }
            checkStacked(names, shape);
            return float32Views(names);
        }

        /** Marks {@code names} used, after checking each is one equal part of {@code shape} stacked. */
        private void checkStacked(List<String> names, long[] shape) throws WeightFileException {
            long[] part = partShape(shape, names.size());
            for (String name : names) {
                check(name, part);
            }
        }

        /** The stored tensors' float32 bytes in the source's memory, or empty where one is not held so. */
        private Optional<List<ByteBuffer>> float32Views(List<String> names) throws WeightFileException {
            List<ByteBuffer> views = new ArrayList<>();
            for (String name : names) {
                Optional<ByteBuffer> view = source.float32View(name);
                if (view.isEmpty()) {
                    return Optional.empty();
                }
                views.add(view.get());
            }
            return Optional.of(views);
        }

        @Override
        public Optional<ByteBuffer> resident(String canonical, long... shape) throws WeightFileException {
            ByteBuffer own = held.get(canonical);
            if (own == null) {
                return Optional.empty();
            }
            checkStacked(rule(canonical).stacked(), shape);
            // the caller's arrays keep it from here on
            held.remove(canonical);
            return Optional.of(own);
        }

        private Rule rule(String canonical) {
            Rule rule = rules.get(canonical);
            if (rule == null) {
                throw new IllegalStateException("layout names no tensor for canonical '" + canonical + "'");
            }
            return rule;
        }

        private float[] stored(String name, long... shape) throws WeightFileException {
            check(name, shape);
            return source.floats(name);
        }

        /** Marks a stored tensor used, after checking it exists with {@code shape} (size-1 axes aside). */
        private void check(String name, long... shape) throws WeightFileException {
            if (!source.names().contains(name)) {
                throw new WeightFileException("weights: tensor '" + name + "' is missing (is this the right model folder?)");
            }
            left.remove(name);
            long[] actual = source.shape(name);
            if (!Arrays.equals(squeeze(actual), squeeze(shape))) {
                throw new WeightFileException(source.file(name) + ": tensor '" + name + "' has shape "
                        + Arrays.toString(actual) + ", the model's config implies " + Arrays.toString(shape));
            }
        }

        @Override
        public void finish() throws WeightFileException {
            for (String z : zeros) {
                if (left.remove(z)) {
                    for (float v : source.floats(z)) {
                        if (v != 0) {
                            throw new WeightFileException(source.file(z) + ": tensor '" + z + "' is not all zeros,"
                                    + " so this is not the network the config describes");
                        }
                    }
                }
            }
            left.removeIf(n -> ignored.stream().anyMatch(p -> p.test(n)));
            if (!left.isEmpty()) {
                String first = left.stream().sorted().findFirst().orElseThrow();
                throw new WeightFileException(source.file(first) + ": unexpected tensor '" + first + "'"
                        + (left.size() > 1 ? " (and " + (left.size() - 1) + " more)" : "")
                        + "; the file does not match its config");
            }
        }
    }

    private static long[] squeeze(long[] shape) {
        return Arrays.stream(shape).filter(d -> d != 1).toArray();
    }

    private static long count(long[] shape) {
        return Arrays.stream(shape).reduce(1, (a, b) -> a * b);
    }

    private static float[] transpose(float[] v, int rows, int cols) {
        float[] out = new float[v.length];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                out[c * rows + r] = v[r * cols + c];
            }
        }
        return out;
    }
}
