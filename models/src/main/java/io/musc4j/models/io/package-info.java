/**
 * Weight files in, named float32 tensors out ({@link io.musc4j.models.io.TensorSource}: name → shape,
 * stored dtype, row-major {@code float[]}), without executing anything from the file.
 *
 * <p>{@link io.musc4j.models.io.Safetensors} reads {@code .safetensors} files and sharded folders;
 * {@link io.musc4j.models.io.TorchCheckpoint} reads the zip format of {@code torch.save}
 * ({@code pytorch_model.bin}, {@code .pt}, {@code .pth}) through a restricted unpickler that accepts only
 * dicts, lists and tensors and refuses every other global by name; {@link io.musc4j.models.io.TensorSources}
 * picks one for a model folder. F16 and BF16 are widened in Java and never become DJL arrays. Every
 * problem is a one-line {@link io.musc4j.models.io.WeightFileException} naming the file.
 */
package io.musc4j.models.io;
