package io.musc4j.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import io.musc4j.models.CudaCompatibility.Build;
import io.musc4j.models.CudaCompatibility.Capability;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The one line {@code --device gpu} fails with where the natives cannot drive the GPU, built from a given
 * compute capability and architecture list (no GPU needed).
 */
class CudaCompatibilityTest {

    @Test
    void capabilitiesReadAsDjlAndNvidiaWriteThem() {
        assertEquals(new Capability(8, 6), Capability.parse("86"));
        assertEquals(new Capability(12, 0), Capability.parse("120"));
        assertEquals(new Capability(10, 0), Capability.parse("10.0"));
        assertEquals("12.0", Capability.parse("120").toString());
        assertThrows(IllegalArgumentException.class, () -> Capability.parse("sm"));
    }

    @Test
    void machineCodeRunsWithinItsMajorVersionAndPtxOnAnyNewerGpu() {
        Build sm = new Build("x", "cu128", List.of("sm_80", "sm_90"), "");
        assertTrue(sm.drives(Capability.parse("80")));
        assertTrue(sm.drives(Capability.parse("89")), "8.9 runs 8.0's machine code");
        assertFalse(sm.drives(Capability.parse("75")), "7.5 cannot run 8.0's");
        assertFalse(sm.drives(Capability.parse("100")), "no machine code for 10.x, no PTX");
        Build ptx = new Build("x", "cu128", List.of("sm_80", "compute_90"), "");
        assertTrue(ptx.drives(Capability.parse("120")), "the driver compiles 9.0's PTX for 12.0");
        assertFalse(ptx.drives(Capability.parse("75")));
    }

    @Test
    void publishedBuildsSplitBetweenOldAndBlackwellGpus() {
        Capability b200 = Capability.parse("100");
        Capability rtx5090 = Capability.parse("120");
        Capability v100 = Capability.parse("70");
        Capability h100 = Capability.parse("90");
        assertFalse(CudaCompatibility.CU124.drives(b200));
        assertFalse(CudaCompatibility.CU124.drives(rtx5090));
        assertTrue(CudaCompatibility.CU128.drives(b200));
        assertTrue(CudaCompatibility.CU128.drives(rtx5090));
        assertTrue(CudaCompatibility.CU128.drives(Capability.parse("121")), "12.1 runs 12.0's machine code");
        assertTrue(CudaCompatibility.CU124.drives(v100));
        assertFalse(CudaCompatibility.CU128.drives(v100), "2.7.1's CUDA 12.8 build starts at 7.5");
        assertTrue(CudaCompatibility.CU124.drives(h100) && CudaCompatibility.CU128.drives(h100));
        assertEquals(Optional.empty(), CudaCompatibility.problem(0, h100, CudaCompatibility.CU128));
    }

    @Test
    void blackwellOnThePreviousPairNamesItsCapabilityAndTheCuda128Build() {
        String line = CudaCompatibility.problem(1, Capability.parse("120"), CudaCompatibility.CU124).orElseThrow();
        assertEquals("GPU 1 has compute capability 12.0, which the PyTorch 2.5.1 CUDA 12.4 natives cannot run"
                + " (built for sm_50 sm_60 sm_70 sm_75 sm_80 sm_86 sm_90); the PyTorch 2.7.1 CUDA 12.8 natives drive"
                + " it (MUSC_CUDA=1 MUSC_MAVEN_ARGS=\"-Ddjl.version=0.36.0 -Dpytorch.version=2.7.1\" ./musc, or"
                + " PYTORCH_LIBRARY_PATH at a pip torch==2.7.1+cu128's torch/lib;"
                + " docs/runtimes.md), or use --device cpu", line);
        assertFalse(line.contains("\n"));
    }

    @Test
    void anOldGpuOnTheDefaultPairIsSentToThePreviousPair() {
        String line = CudaCompatibility.problem(0, Capability.parse("70"), CudaCompatibility.CU128).orElseThrow();
        assertTrue(line.startsWith("GPU 0 has compute capability 7.0, which the PyTorch 2.7.1 CUDA 12.8 natives"
                + " cannot run (built for sm_75 sm_80 sm_86 sm_90 sm_100 sm_120 compute_120); the PyTorch 2.5.1"
                + " CUDA 12.4 natives drive it (MUSC_MAVEN_ARGS=\"-Ddjl.version=0.33.0 -Dpytorch.version=2.5.1"
                + " -Pcu124\" ./musc;"), line);
    }

    @Test
    void aGpuNoPublishedBuildDrivesIsToldToBuildLibtorchForIt() {
        String line = CudaCompatibility.unknownBuildProblem(0, Capability.parse("37"),
                "PyTorch 2.11.0 cu130 natives at /site-packages/torch/lib");
        assertEquals("GPU 0 has compute capability 3.7, for which the PyTorch 2.11.0 cu130 natives at"
                + " /site-packages/torch/lib hold no kernels; no published build musc4j knows drives it: point"
                + " PYTORCH_LIBRARY_PATH (with PYTORCH_VERSION and PYTORCH_FLAVOR) at a libtorch built with"
                + " TORCH_CUDA_ARCH_LIST=3.7 (docs/runtimes.md), or use --device cpu", line);
    }

    @Test
    void flavorComesFromTheOverrideElseDjlsFolderName() {
        assertEquals(Optional.of("cu128"), CudaCompatibility.flavor(null, "/root/.djl.ai/pytorch/2.7.1-cu128-linux-x86_64"));
        assertEquals(Optional.of("cu124"),
                CudaCompatibility.flavor("", "/root/.djl.ai/pytorch/2.5.1-20241113-cu124-precxx11-linux-x86_64"));
        assertEquals(Optional.empty(), CudaCompatibility.flavor(null, "/root/.djl.ai/pytorch/2.7.1-20250812-cpu-linux-x86_64"));
        assertEquals(Optional.of("cu130"), CudaCompatibility.flavor("cu130", "/usr/lib/python3/site-packages/torch/lib"));
        assertEquals(Optional.empty(), CudaCompatibility.flavor(null, "/usr/lib/python3/site-packages/torch/lib"));
        assertEquals("12.8", CudaCompatibility.cudaVersion("cu128"));
    }

    @Test
    void libtorchsMissingKernelErrorsAreRecognised() {
        assertTrue(CudaCompatibility.isMissingKernel("CUDA error: no kernel image is available for execution on the"
                + " device\nCUDA kernel errors might be asynchronously reported"));
        assertTrue(CudaCompatibility.isMissingKernel("CUDA error: invalid device function"));
        assertFalse(CudaCompatibility.isMissingKernel("CUDA out of memory. Tried to allocate 2.00 GiB"));
        assertFalse(CudaCompatibility.isMissingKernel(null));
    }

    @Test
    void theCpuIsNeverChecked() {
        CudaCompatibility.check(Device.cpu());
    }
}
