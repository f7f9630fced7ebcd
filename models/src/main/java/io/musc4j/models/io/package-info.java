/**
 * Weight files read without executing anything: safetensors (memory-mapped, F32/F16/BF16 widened to
 * float32) and, through a restricted reader, PyTorch checkpoints.
 *
 * <p>In: a file. Out: a {@link io.musc4j.models.io.TensorSource}: named tensors with their shapes and
 * row-major float32 values. Malformed files are one-line {@link io.musc4j.models.io.WeightFileException}s.
 */
package io.musc4j.models.io;
