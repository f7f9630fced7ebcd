package io.musc4j.models.vit;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * Attention softmax(q·kᵀ)·v in one libtorch kernel ({@code scaled_dot_product_attention}), which DJL does
 * not expose: a TorchScript module compiled at first use from {@code fused_attention.py} beside this class
 * ({@link TorchScriptArchive}). The fused kernel never materialises the (B, H, T, T) scores and their
 * softmax, which the composed ops write and read back three times; on a CPU it runs about twice as fast.
 *
 * <p>In: q, k, v (B, H, T, d) of one dtype on one device, q already scaled by 1/√d. Out: (B, H, T, d) on
 * q's manager. Equal to the composed {@link #composed} up to float32 rounding.
 */
public final class FusedAttention {

    private static final String SOURCE = "fused_attention.py";
    private static volatile FusedAttention instance;

    private final PtSymbolBlock module;

    private FusedAttention(PtSymbolBlock module) {
        this.module = module;
    }

    /** softmax(q·kᵀ)·v, fused. The module is loaded once per process and serves every device. */
    public static NDArray attend(NDArray q, NDArray k, NDArray v) {
        return get().module.forward(new ParameterStore(q.getManager(), false), new NDList(q, k, v), false)
                .singletonOrThrow();
    }

    /** The same attention as three DJL ops (scores, softmax, weighted sum), for tests and benchmarks. */
    public static NDArray composed(NDArray q, NDArray k, NDArray v) {
        return q.matMul(k.transpose(0, 1, 3, 2)).softmax(-1).matMul(v);
    }

    private static FusedAttention get() {
        FusedAttention a = instance;
        if (a == null) {
            synchronized (FusedAttention.class) {
                a = instance;
                if (a == null) {
                    instance = a = load();
                }
            }
        }
        return a;
    }

    private static FusedAttention load() {
        String source;
        try (InputStream in = FusedAttention.class.getResourceAsStream(SOURCE)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + SOURCE + " beside " + FusedAttention.class);
            }
            source = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        byte[] archive = TorchScriptArchive.of("FusedAttention", source);
        // the module holds no tensors: a process-long manager only anchors its native handle
        NDManager owner = NDManager.newBaseManager(Device.cpu());
        try {
            return new FusedAttention(JniUtils.loadModule((PtNDManager) owner, new ByteArrayInputStream(archive), false,
                    false));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
