package io.musc4j.models.io;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Test helper: writes a float32 state dict as torch.save does (a zip with {@code data.pkl}, an
 * OrderedDict of {@code _rebuild_tensor_v2} calls, and one storage record per tensor), so layouts can be
 * tested with pickled weights too.
 */
public final class TorchCheckpointWriter {

    private TorchCheckpointWriter() {
    }

    /** Writes {@code tensors} (name → F32 tensor, row-major) to {@code file}. */
    public static Path write(Path file, Map<String, SafetensorsWriter.Tensor> tensors) throws IOException {
        CheckpointBytes pickle = new CheckpointBytes().proto().globalOp("collections", "OrderedDict").op(')', 'R');
        Map<String, byte[]> records = new LinkedHashMap<>();
        int key = 0;
        for (Map.Entry<String, SafetensorsWriter.Tensor> e : tensors.entrySet()) {
            long[] shape = e.getValue().shape();
            long[] stride = new long[shape.length];
            long s = 1;
            for (int i = shape.length - 1; i >= 0; i--) {
                stride[i] = s;
                s *= shape[i];
            }
            String k = Integer.toString(key++);
            pickle.str(e.getKey()).tensor("FloatStorage", k, s, 0, shape, stride).op('s');
            records.put("data/" + k, CheckpointBytes.f32(e.getValue().values()));
        }
        return CheckpointBytes.checkpoint(file, pickle.op('.').bytes(), records);
    }
}
