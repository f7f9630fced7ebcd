package io.musc4j.models.io;

import io.musc4j.models.io.StoredTensor.StorageRef;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Interprets the {@code data.pkl} of a {@code torch.save} checkpoint without executing anything, in the
 * manner of {@code torch.load(weights_only=True)}: only the opcodes {@code torch.save} emits are
 * understood, and the only globals are {@code collections.OrderedDict}, the tensor rebuild functions,
 * the storage classes and the dtypes. Every other global is refused by name.
 *
 * <p>The result is a tree of plain Java values: {@link String}, {@link Long}, {@link Double},
 * {@link Boolean}, {@link #NONE}, {@link List} (Python list), {@link Tuple}, {@link Map} (dict and
 * OrderedDict) and {@link StoredTensor}. Sizes are bounded (values created, MARK nesting) so that a
 * hostile pickle ends in a {@link WeightFileException}, never in exhausted memory or stack.
 */
final class RestrictedUnpickler {

    /** Python's None. */
    static final Object NONE = new Object() {
        @Override
        public String toString() {
            return "None";
        }
    };

    /** A Python tuple. */
    record Tuple(List<Object> items) {
    }

    /** At most this many values are created or memoized: tens of thousands of tensors, more than a model has. */
    static final int MAX_VALUES = 1 << 20;

    /** MARK nesting deeper than this is refused; {@code torch.save} nests a handful. */
    static final int MAX_MARK_DEPTH = 256;

    private static final Pattern STORAGE_KEY = Pattern.compile("[A-Za-z0-9_]{1,100}");

    /** Callable globals: REDUCE may apply only these. */
    private enum Callable {
        ORDERED_DICT("collections.OrderedDict"),
        REBUILD_TENSOR_V2("torch._utils._rebuild_tensor_v2"),
        REBUILD_PARAMETER("torch._utils._rebuild_parameter"),
        REBUILD_PARAMETER_WITH_STATE("torch._utils._rebuild_parameter_with_state");

        private final String pythonName;

        Callable(String pythonName) {
            this.pythonName = pythonName;
        }

        @Override
        public String toString() {
            return pythonName;
        }
    }

    /** A {@code torch.<dtype>} global: inert, it may only be stored. */
    private record Dtype(String name) {
    }

    private static final Set<String> DTYPES = Set.of("float64", "float32", "float16", "bfloat16", "int64",
            "int32", "int16", "int8", "uint8", "bool");

    private final Path file;
    private final byte[] data;
    private int pos;
    private List<Object> stack = new ArrayList<>();
    private final Deque<List<Object>> metastack = new ArrayDeque<>();
    private final Map<Long, Object> memo = new HashMap<>();
    private int created;

    private RestrictedUnpickler(Path file, byte[] data) {
        this.file = file;
        this.data = data;
    }

    /** The value {@code data} (a whole {@code data.pkl}) pickles; {@code file} names the checkpoint in errors. */
    static Object load(Path file, byte[] data) throws WeightFileException {
        return new RestrictedUnpickler(file, data).run();
    }

    private Object run() throws WeightFileException {
        while (true) {
            if (pos >= data.length) {
                throw corrupt("it ends before its STOP opcode");
            }
            int at = pos;
            int op = data[pos++] & 0xFF;
            switch (op) {
                case 0x80 -> { // PROTO
                    int protocol = u8();
                    if (protocol < 2 || protocol > 5) {
                        throw corrupt("pickle protocol " + protocol + " is not one torch.save writes");
                    }
                }
                case 0x95 -> bytes(8); // FRAME: a length hint for buffered readers
                case '.' -> { // STOP
                    if (!metastack.isEmpty()) {
                        throw corrupt("STOP inside an unclosed MARK");
                    }
                    return pop("STOP");
                }
                case '(' -> { // MARK
                    if (metastack.size() >= MAX_MARK_DEPTH) {
                        throw corrupt("MARKs nested deeper than " + MAX_MARK_DEPTH);
                    }
                    metastack.push(stack);
                    stack = new ArrayList<>();
                    count();
                }
                case '}' -> push(new LinkedHashMap<Object, Object>()); // EMPTY_DICT
                case ']' -> push(new ArrayList<Object>()); // EMPTY_LIST
                case ')' -> push(new Tuple(List.of())); // EMPTY_TUPLE
                case 'X' -> push(string(u32())); // BINUNICODE
                case 0x8c -> push(string(u8())); // SHORT_BINUNICODE
                case 0x8d -> push(string(i64())); // BINUNICODE8
                case 'q' -> memoPut(u8(), peek("BINPUT"));
                case 'r' -> memoPut(u32(), peek("LONG_BINPUT"));
                case 0x94 -> memoPut(memo.size(), peek("MEMOIZE"));
                case 'h' -> push(memoGet(u8()));
                case 'j' -> push(memoGet(u32()));
                case 'J' -> push((long) ByteBuffer.wrap(bytes(4)).order(ByteOrder.LITTLE_ENDIAN).getInt());
                case 'K' -> push((long) u8()); // BININT1
                case 'M' -> push((long) (u8() | u8() << 8)); // BININT2
                case 0x8a -> push(long1()); // LONG1
                case 0x88 -> push(Boolean.TRUE);
                case 0x89 -> push(Boolean.FALSE);
                case 'N' -> push(NONE);
                case 'G' -> push(ByteBuffer.wrap(bytes(8)).getDouble()); // BINFLOAT, big-endian
                case 't' -> push(new Tuple(popMark("TUPLE")));
                case 0x85 -> push(tuple(1));
                case 0x86 -> push(tuple(2));
                case 0x87 -> push(tuple(3));
                case 's' -> { // SETITEM
                    Object value = pop("SETITEM");
                    Object key = pop("SETITEM");
                    dict(peek("SETITEM"), "SETITEM").put(key(key), value);
                }
                case 'u' -> { // SETITEMS
                    List<Object> items = popMark("SETITEMS");
                    if (items.size() % 2 != 0) {
                        throw corrupt("SETITEMS with an odd number of items");
                    }
                    Map<Object, Object> dict = dict(peek("SETITEMS"), "SETITEMS");
                    for (int i = 0; i < items.size(); i += 2) {
                        dict.put(key(items.get(i)), items.get(i + 1));
                    }
                }
                case 'a' -> { // APPEND
                    Object value = pop("APPEND");
                    list(peek("APPEND"), "APPEND").add(value);
                }
                case 'e' -> { // APPENDS
                    List<Object> items = popMark("APPENDS");
                    list(peek("APPENDS"), "APPENDS").addAll(items);
                }
                case 'c' -> { // GLOBAL
                    String module = line();
                    push(global(module, line()));
                }
                case 0x93 -> { // STACK_GLOBAL
                    Object name = pop("STACK_GLOBAL");
                    Object module = pop("STACK_GLOBAL");
                    if (!(module instanceof String m) || !(name instanceof String n)) {
                        throw corrupt("STACK_GLOBAL needs two strings");
                    }
                    push(global(m, n));
                }
                case 'R' -> { // REDUCE
                    Object args = pop("REDUCE");
                    push(reduce(pop("REDUCE"), args));
                }
                case 'b' -> build(pop("BUILD"), peek("BUILD"));
                case 'Q' -> push(persistent(pop("BINPERSID")));
                default -> throw corrupt(String.format("opcode 0x%02x at byte %d is not one a weights file needs", op, at));
            }
        }
    }

    private Object global(String module, String name) throws WeightFileException {
        String full = module + "." + name;
        for (Callable c : Callable.values()) {
            if (c.pythonName.equals(full)) {
                return c;
            }
        }
        if (module.equals("torch")) {
            var storage = TorchStorageType.byClassName(name);
            if (storage.isPresent()) {
                return storage.get();
            }
            if (name.endsWith("Storage")) {
                throw new WeightFileException(file + ": storage type '" + printable(full) + "' is not supported"
                        + " (only float, integer and bool tensors are read)");
            }
            if (DTYPES.contains(name)) {
                return new Dtype(name);
            }
        }
        throw new WeightFileException(file + ": refusing to load global '" + printable(full)
                + "' (only tensors and OrderedDict are allowed)");
    }

    private Object reduce(Object function, Object arguments) throws WeightFileException {
        if (!(function instanceof Callable f)) {
            throw corrupt("REDUCE applies a " + typeName(function) + ", which is not callable here");
        }
        if (!(arguments instanceof Tuple t)) {
            throw corrupt("REDUCE arguments are a " + typeName(arguments) + ", not a tuple");
        }
        List<Object> a = t.items();
        return switch (f) {
            case ORDERED_DICT -> {
                if (!a.isEmpty()) {
                    throw corrupt("OrderedDict is called with arguments (torch.save passes none)");
                }
                count();
                yield new LinkedHashMap<Object, Object>();
            }
            case REBUILD_TENSOR_V2 -> {
                // (storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata])
                if (a.size() != 6 && a.size() != 7) {
                    throw corrupt("_rebuild_tensor_v2 takes 6 or 7 arguments, got " + a.size());
                }
                if (!(a.get(0) instanceof StorageRef storage) || !(a.get(1) instanceof Long offset)
                        || !(a.get(4) instanceof Boolean) || !(a.get(5) instanceof Map)) {
                    throw corrupt("_rebuild_tensor_v2 arguments are not (storage, int, tuple, tuple, bool, dict)");
                }
                count();
                yield StoredTensor.of(file, storage, offset, longs(a.get(2), "size"), longs(a.get(3), "stride"));
            }
            case REBUILD_PARAMETER, REBUILD_PARAMETER_WITH_STATE -> {
                // (data, requires_grad, backward_hooks[, state]): a Parameter is its data here
                int n = f == Callable.REBUILD_PARAMETER ? 3 : 4;
                if (a.size() != n || !(a.get(0) instanceof StoredTensor tensor)) {
                    throw corrupt("_rebuild_parameter takes a tensor and " + (n - 1) + " more arguments");
                }
                yield tensor;
            }
        };
    }

    private void build(Object state, Object target) throws WeightFileException {
        // a state_dict's OrderedDict carries its _metadata (module versions) as instance state; unused here
        if (!(target instanceof Map) || !(state instanceof Map || state == NONE)) {
            throw corrupt("BUILD of a " + typeName(target) + " with a " + typeName(state) + " is not supported");
        }
    }

    private StorageRef persistent(Object pid) throws WeightFileException {
        // ('storage', storage type, key, location, numel)
        if (!(pid instanceof Tuple t) || t.items().size() != 5 || !"storage".equals(t.items().get(0))) {
            throw corrupt("a persistent id that is not ('storage', type, key, location, numel)");
        }
        List<Object> a = t.items();
        if (!(a.get(1) instanceof TorchStorageType type) || !(a.get(2) instanceof String key)
                || !(a.get(3) instanceof String) || !(a.get(4) instanceof Long numel)) {
            throw corrupt("a persistent id that is not ('storage', type, key, location, numel)");
        }
        if (!STORAGE_KEY.matcher(key).matches()) {
            throw corrupt("storage key '" + printable(key) + "' is not a plain record name");
        }
        if (numel < 0 || numel > Long.MAX_VALUE / type.itemSize()) {
            throw new WeightFileException(file + ": storage '" + key + "' declares " + numel + " elements");
        }
        count();
        return new StorageRef(type, key, numel);
    }

    private long[] longs(Object tuple, String what) throws WeightFileException {
        if (!(tuple instanceof Tuple t)) {
            throw corrupt("tensor " + what + " is a " + typeName(tuple) + ", not a tuple");
        }
        if (t.items().size() > StoredTensor.MAX_DIMS) {
            throw corrupt("tensor " + what + " has " + t.items().size() + " dimensions");
        }
        long[] out = new long[t.items().size()];
        for (int i = 0; i < out.length; i++) {
            if (!(t.items().get(i) instanceof Long v)) {
                throw corrupt("tensor " + what + " holds a " + typeName(t.items().get(i)) + ", not an int");
            }
            out[i] = v;
        }
        return out;
    }

    private Object key(Object k) throws WeightFileException {
        if (k instanceof String || k instanceof Long || k instanceof Boolean || k instanceof Double || k == NONE) {
            return k;
        }
        throw corrupt("a dict key of type " + typeName(k) + " (a weights file keys by names)");
    }

    private Map<Object, Object> dict(Object o, String op) throws WeightFileException {
        if (o instanceof Map<?, ?> m) {
            @SuppressWarnings("unchecked")
            Map<Object, Object> dict = (Map<Object, Object>) m;
            return dict;
        }
        throw corrupt(op + " on a " + typeName(o) + ", not a dict");
    }

    private List<Object> list(Object o, String op) throws WeightFileException {
        if (o instanceof ArrayList<?> l) {
            @SuppressWarnings("unchecked")
            List<Object> list = (List<Object>) l;
            return list;
        }
        throw corrupt(op + " on a " + typeName(o) + ", not a list");
    }

    private Tuple tuple(int n) throws WeightFileException {
        if (stack.size() < n) {
            throw corrupt("stack underflow at TUPLE" + n);
        }
        List<Object> top = stack.subList(stack.size() - n, stack.size());
        Tuple t = new Tuple(List.copyOf(top));
        top.clear();
        return t;
    }

    private List<Object> popMark(String op) throws WeightFileException {
        if (metastack.isEmpty()) {
            throw corrupt(op + " without a MARK");
        }
        List<Object> items = stack;
        stack = metastack.pop();
        return items;
    }

    private void push(Object o) throws WeightFileException {
        count();
        stack.add(o);
    }

    private void count() throws WeightFileException {
        if (++created > MAX_VALUES) {
            throw corrupt("more than " + MAX_VALUES + " values (not a weights file this reader accepts)");
        }
    }

    private Object pop(String op) throws WeightFileException {
        if (stack.isEmpty()) {
            throw corrupt("stack underflow at " + op);
        }
        return stack.remove(stack.size() - 1);
    }

    private Object peek(String op) throws WeightFileException {
        if (stack.isEmpty()) {
            throw corrupt("stack underflow at " + op);
        }
        return stack.get(stack.size() - 1);
    }

    private void memoPut(long index, Object value) throws WeightFileException {
        count();
        memo.put(index, value);
    }

    private Object memoGet(long index) throws WeightFileException {
        Object o = memo.get(index);
        if (o == null) {
            throw corrupt("memo slot " + index + " is read before it is written");
        }
        return o;
    }

    private Long long1() throws WeightFileException {
        int n = u8();
        if (n > 8) {
            throw corrupt("an integer of " + n + " bytes");
        }
        byte[] b = bytes(n);
        long v = 0;
        for (int i = n - 1; i >= 0; i--) {
            v = v << 8 | (b[i] & 0xFF);
        }
        if (n > 0 && n < 8 && b[n - 1] < 0) {
            v -= 1L << (8 * n); // two's complement of n bytes
        }
        return v;
    }

    private String string(long length) throws WeightFileException {
        byte[] b = bytes(length);
        try {
            CharBuffer chars = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b));
            return chars.toString();
        } catch (CharacterCodingException e) {
            throw corrupt("a string that is not UTF-8 at byte " + (pos - b.length));
        }
    }

    /** A newline-terminated ASCII line (GLOBAL's module and name). */
    private String line() throws WeightFileException {
        int start = pos;
        while (pos < data.length && data[pos] != '\n') {
            if (data[pos] < 0x20 || data[pos] > 0x7E) {
                throw corrupt("GLOBAL names a non-ASCII module or name");
            }
            pos++;
        }
        if (pos >= data.length) {
            throw corrupt("it ends inside a GLOBAL");
        }
        return new String(data, start, pos++ - start, StandardCharsets.US_ASCII);
    }

    private int u8() throws WeightFileException {
        return bytes(1)[0] & 0xFF;
    }

    private long u32() throws WeightFileException {
        return ByteBuffer.wrap(bytes(4)).order(ByteOrder.LITTLE_ENDIAN).getInt() & 0xFFFFFFFFL;
    }

    private long i64() throws WeightFileException {
        return ByteBuffer.wrap(bytes(8)).order(ByteOrder.LITTLE_ENDIAN).getLong();
    }

    private byte[] bytes(long n) throws WeightFileException {
        if (n < 0 || n > data.length - pos) {
            throw corrupt("it ends inside an opcode's argument (" + n + " bytes wanted at byte " + pos + ")");
        }
        byte[] b = new byte[(int) n];
        System.arraycopy(data, pos, b, 0, (int) n);
        pos += (int) n;
        return b;
    }

    private WeightFileException corrupt(String problem) {
        return new WeightFileException(file + ": corrupt or unsupported checkpoint pickle (data.pkl: " + problem + ")");
    }

    /** A value's Python type name, for messages (never its contents, which may be huge or cyclic). */
    static String typeName(Object o) {
        if (o instanceof String) {
            return "str";
        } else if (o instanceof Long) {
            return "int";
        } else if (o instanceof Double) {
            return "float";
        } else if (o instanceof Boolean) {
            return "bool";
        } else if (o == NONE) {
            return "None";
        } else if (o instanceof Tuple) {
            return "tuple";
        } else if (o instanceof List) {
            return "list";
        } else if (o instanceof Map) {
            return "dict";
        } else if (o instanceof StoredTensor) {
            return "tensor";
        } else if (o instanceof StorageRef) {
            return "storage";
        } else if (o instanceof Dtype d) {
            return "torch." + d.name();
        } else if (o instanceof TorchStorageType t) {
            return t.toString();
        }
        return String.valueOf(o);
    }

    /** Keeps a name from the file short and on one line. */
    private static String printable(String s) {
        String t = s.length() > 120 ? s.substring(0, 120) + "…" : s;
        return t.replaceAll("\\p{Cntrl}", "?");
    }
}
