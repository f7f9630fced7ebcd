package io.musc4j.models;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Reading bfloat16 support from /proc/cpuinfo lines as Linux writes them on each kind of CPU. */
class CpuFeaturesTest {

    @Test
    void x86FlagsWithAvx512Bf16OrAmx() {
        assertTrue(CpuFeatures.bf16(List.of("processor\t: 0", "model name\t: AMD EPYC",
                "flags\t\t: fpu vme avx512f avx512bw avx512_bf16 avx512_vnni")));
        assertTrue(CpuFeatures.bf16(List.of("flags\t\t: fpu avx512f amx_bf16 amx_tile amx_int8")));
    }

    @Test
    void x86FlagsWithoutBf16() {
        assertFalse(CpuFeatures.bf16(List.of("flags\t\t: fpu vme avx2 avx512f avx512bw avx512_vnni")));
        // a flag that only contains the name is not the flag
        assertFalse(CpuFeatures.bf16(List.of("flags\t\t: fpu avx512_bf16x")));
    }

    @Test
    void armFeatures() {
        assertTrue(CpuFeatures.bf16(List.of("Features\t: fp asimd evtstrm aes sve bf16 i8mm")));
        assertFalse(CpuFeatures.bf16(List.of("Features\t: fp asimd evtstrm aes")));
    }

    @Test
    void nothingKnownIsNoSupport() {
        assertFalse(CpuFeatures.bf16(List.of()));
    }
}
