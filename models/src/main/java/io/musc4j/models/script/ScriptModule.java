package io.musc4j.models.script;

import ai.djl.Device;
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
 * A parameterless TorchScript module whose source is a resource in the class path, compiled by libtorch
 * at first use ({@link TorchScriptArchive}) and then shared by the whole process and every device.
 * It reaches the libtorch kernels that DJL does not expose (a fused attention, a reduction without
 * indices) in one native call.
 */
public final class ScriptModule {

    private final Class<?> anchor;
    private final String resource;
    private final String className;
    private volatile PtSymbolBlock module;

    /**
     * @param anchor the class beside whose package the source lies
     * @param resource file name of the source, e.g. {@code fused_attention.py}
     * @param className the TorchScript class in it to instantiate
     */
    public ScriptModule(Class<?> anchor, String resource, String className) {
        this.anchor = anchor;
        this.resource = resource;
        this.className = className;
    }

    /**
     * The module's {@code forward} on tensors of one device; a tuple result comes back as a list in
     * its order. Results are owned by the first input's manager.
     */
    public NDList forward(NDList inputs) {
        return module().forward(new ParameterStore(inputs.get(0).getManager(), false), inputs, false);
    }

    private PtSymbolBlock module() {
        PtSymbolBlock m = module;
        if (m == null) {
            synchronized (this) {
                m = module;
                if (m == null) {
                    module = m = load();
                }
            }
        }
        return m;
    }

    private PtSymbolBlock load() {
        String source;
        try (InputStream in = anchor.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + resource + " beside " + anchor);
            }
            source = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        byte[] archive = TorchScriptArchive.of(className, source);
        // the module holds no tensors: a process-long manager only anchors its native handle
        NDManager owner = NDManager.newBaseManager(Device.cpu());
        try {
            return JniUtils.loadModule((PtNDManager) owner, new ByteArrayInputStream(archive), false, false);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
