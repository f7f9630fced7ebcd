package io.musc4j.models.vit;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import io.musc4j.models.script.ScriptModule;

/**
 * Conversions to the backbone's type. DJL cannot name bfloat16 to libtorch ({@code toType(BFLOAT16)}
 * and {@code zeros(.., BFLOAT16)} end the process), yet it runs every op on a bfloat16 array it is
 * given: so an array becomes bfloat16 inside a TorchScript module ({@code bfloat16.py}), and back to
 * float32 with {@code toType(FLOAT32)}, which names only float32. A bfloat16 array's
 * {@link NDArray#getDataType} is UNKNOWN; nothing may read one into Java.
 */
public final class Casts {

    private static final ScriptModule TO_BF16 = new ScriptModule(Casts.class, "bfloat16.py", "ToBFloat16");

    private Casts() {
    }

    /** {@code a} as {@code type}, owned by a's manager; {@code a} itself where it is that type already. */
    public static NDArray to(NDArray a, DataType type) {
        if (type != DataType.BFLOAT16) {
            return a.toType(type, false);
        }
        NDArray out = TO_BF16.forward(new NDList(a)).singletonOrThrow();
        out.attach(a.getManager());
        return out;
    }
}
