/**
 * TorchScript modules built from source text in the repository ({@link io.musc4j.models.script.ScriptModule}):
 * the libtorch kernels DJL does not expose, without shipping a binary of unknown origin. Each module is
 * parameterless; its inputs and outputs are documented where it is used (the fused attention of
 * {@link io.musc4j.models.vit.FusedAttention}, the nearest-patch tile of the MSM kernel).
 */
package io.musc4j.models.script;
