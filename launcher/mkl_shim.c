/*
 * MKL on AMD: libtorch's CPU natives link Intel MKL statically, and MKL picks its fast AVX2/AVX-512
 * kernels only where this check says the CPU is Intel; on AMD it falls back to a slower generic path.
 * libtorch exports the check, so a library preloaded before it (LD_PRELOAD) answers in its place.
 * The ./musc launcher builds this file with the system C compiler on AMD CPUs (MUSC_MKL_SHIM=0: off).
 * It changes which kernels MKL runs, not what they compute (products agree to float32 rounding).
 */
int mkl_serv_intel_cpu_true(void) {
    return 1;
}
