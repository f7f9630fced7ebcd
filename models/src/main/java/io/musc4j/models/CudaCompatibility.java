package io.musc4j.models;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.LibUtils;
import ai.djl.util.Utils;
import ai.djl.util.cuda.CudaUtils;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Whether the loaded libtorch's CUDA kernels can run on a GPU, said in one line before any work starts
 * (libtorch itself fails at the first kernel with "no kernel image is available" deep in a stack trace).
 * A CUDA build carries machine code for a list of architectures ({@code sm_XY}) and possibly PTX
 * ({@code compute_XY}) that the driver compiles for newer ones; the published builds' lists are
 * {@link #PUBLISHED}. The line names the GPU's compute capability and the build that drives it.
 */
public final class CudaCompatibility {

    /**
     * A libtorch CUDA build and the architectures it was compiled for (PyTorch's own libtorch archives,
     * which DJL republishes: {@code torch.cuda.get_arch_list()} of the same pip wheel).
     *
     * @param pytorch PyTorch version, e.g. 2.7.1
     * @param flavor CUDA flavor as DJL names it, e.g. cu128
     * @param archs sm_XY (machine code) and compute_XY (PTX) entries
     * @param howToSelect the build settings that give it, for the one-line fix; they name the pair, so
     *     that the fix holds whichever pair pom.xml makes the default
     */
    public record Build(String pytorch, String flavor, List<String> archs, String howToSelect) {

        public Build {
            archs = List.copyOf(archs);
        }

        /** "PyTorch 2.7.1 CUDA 12.8". */
        String label() {
            return "PyTorch " + pytorch + " CUDA " + cudaVersion(flavor);
        }

        /** Whether a GPU of this compute capability runs this build's kernels. */
        public boolean drives(Capability gpu) {
            for (String arch : archs) {
                boolean ptx = arch.startsWith("compute_");
                Capability built = Capability.parse(arch.substring(arch.indexOf('_') + 1));
                // machine code runs on the same major version at an equal or higher minor one; PTX is
                // compiled by the driver for any GPU at least as new
                if (ptx ? built.compareTo(gpu) <= 0 : built.major() == gpu.major() && built.minor() <= gpu.minor()) {
                    return true;
                }
            }
            return false;
        }
    }

    /**
     * A CUDA compute capability, e.g. 8.6 (Ampere consumer), 9.0 (H100), 10.0 (B200), 12.0 (RTX 50xx).
     *
     * @param major major version
     * @param minor minor version, one digit
     */
    public record Capability(int major, int minor) implements Comparable<Capability> {

        /** Reads "86", "120" (DJL's {@code CudaUtils.getComputeCapability}: major then one minor digit) or "8.6". */
        public static Capability parse(String text) {
            String t = text.trim();
            int dot = t.indexOf('.');
            if (dot > 0) {
                return new Capability(Integer.parseInt(t.substring(0, dot)), Integer.parseInt(t.substring(dot + 1)));
            }
            if (!t.matches("\\d{2,3}")) {
                throw new IllegalArgumentException("not a compute capability: '" + text + "'");
            }
            return new Capability(Integer.parseInt(t.substring(0, t.length() - 1)),
                    t.charAt(t.length() - 1) - '0');
        }

        @Override
        public int compareTo(Capability o) {
            return major != o.major ? Integer.compare(major, o.major) : Integer.compare(minor, o.minor);
        }

        @Override
        public String toString() {
            return major + "." + minor;
        }
    }

    /** The previous pair's CUDA natives: Maven Central's pytorch-native-cu124 (models' cu124 profile). */
    public static final Build CU124 = new Build("2.5.1", "cu124",
            List.of("sm_50", "sm_60", "sm_70", "sm_75", "sm_80", "sm_86", "sm_90"),
            "MUSC_MAVEN_ARGS=\"-Ddjl.version=0.33.0 -Dpytorch.version=2.5.1 -Pcu124\" ./musc");
    /** The default pair's CUDA natives, which DJL fetches at first use (models' cuda profile). */
    public static final Build CU128 = new Build("2.7.1", "cu128",
            List.of("sm_75", "sm_80", "sm_86", "sm_90", "sm_100", "sm_120", "compute_120"),
            "MUSC_CUDA=1 MUSC_MAVEN_ARGS=\"-Ddjl.version=0.36.0 -Dpytorch.version=2.7.1\" ./musc, or PYTORCH_LIBRARY_PATH"
                    + " at a pip torch==2.7.1+cu128's torch/lib");
    /** The builds musc4j knows the architectures of, the newest first. */
    public static final List<Build> PUBLISHED = List.of(CU128, CU124);

    private static final Pattern FLAVOR_IN_PATH = Pattern.compile("-(cu\\d{3})(-precxx11)?-[a-z]+-[a-z0-9_]+$");
    private static final Pattern FLAVOR = Pattern.compile("^(cu\\d{3})");

    private CudaCompatibility() {
    }

    /**
     * Checks that the loaded natives can run on GPU {@code device}: against {@link #PUBLISHED} where the
     * build is one of them, else by running one small kernel there.
     *
     * @throws IllegalArgumentException with one line naming the GPU's compute capability and the fix
     */
    public static void check(Device device) {
        if (!device.isGpu()) {
            return;
        }
        Capability gpu;
        try {
            gpu = Capability.parse(CudaUtils.getComputeCapability(device.getDeviceId()));
        } catch (RuntimeException | LinkageError e) {
            return; // DJL cannot ask the CUDA runtime (no libcudart for JNA): libtorch reports what fails
        }
        String version = Engine.getEngine("PyTorch").getVersion();
        Optional<String> flavor = flavor(Utils.getEnvOrSystemProperty("PYTORCH_FLAVOR"), LibUtils.getLibtorchPath());
        Optional<Build> build = flavor.flatMap(f -> PUBLISHED.stream()
                .filter(b -> b.pytorch().equals(version) && b.flavor().equals(f)).findFirst());
        if (build.isPresent()) {
            problem(device.getDeviceId(), gpu, build.get()).ifPresent(m -> {
                throw new IllegalArgumentException(m);
            });
            return;
        }
        try (NDManager m = NDManager.newBaseManager(device)) {
            m.ones(new Shape(4)).add(1).sum().getFloat();
        } catch (RuntimeException e) {
            if (isMissingKernel(e.getMessage())) {
                throw new IllegalArgumentException(unknownBuildProblem(device.getDeviceId(), gpu,
                        "PyTorch " + version + " " + flavor.orElse("CUDA") + " natives at " + LibUtils.getLibtorchPath()));
            }
            throw e;
        }
    }

    /** The one-line problem where a published {@code build} is loaded, or empty where it drives the GPU. */
    public static Optional<String> problem(int gpuIndex, Capability gpu, Build build) {
        if (build.drives(gpu)) {
            return Optional.empty();
        }
        return Optional.of("GPU " + gpuIndex + " has compute capability " + gpu + ", which the " + build.label()
                + " natives cannot run (built for " + String.join(" ", build.archs()) + "); " + fix(gpu));
    }

    /** The one line where a build of unknown architectures found no kernel for the GPU. */
    static String unknownBuildProblem(int gpuIndex, Capability gpu, String natives) {
        return "GPU " + gpuIndex + " has compute capability " + gpu + ", for which the " + natives
                + " hold no kernels; " + fix(gpu);
    }

    /** What drives a GPU of this capability: a published build, else a libtorch built for it. */
    static String fix(Capability gpu) {
        for (Build b : PUBLISHED) {
            if (b.drives(gpu)) {
                return "the " + b.label() + " natives drive it (" + b.howToSelect() + "; docs/runtimes.md), or use"
                        + " --device cpu";
            }
        }
        return "no published build musc4j knows drives it: point PYTORCH_LIBRARY_PATH (with PYTORCH_VERSION and"
                + " PYTORCH_FLAVOR) at a libtorch built with TORCH_CUDA_ARCH_LIST=" + gpu + " (docs/runtimes.md), or use"
                + " --device cpu";
    }

    /**
     * The CUDA flavor of the loaded natives: PYTORCH_FLAVOR where set (DJL then uses it too), else the one
     * in the name of the folder DJL extracted or downloaded them to ({@code 2.7.1-cu128-linux-x86_64}).
     */
    static Optional<String> flavor(String override, String libtorchPath) {
        Matcher m;
        if (override != null && !override.isBlank()) {
            m = FLAVOR.matcher(override.trim().toLowerCase(Locale.ROOT));
        } else {
            Path name = libtorchPath == null ? null : Path.of(libtorchPath).getFileName();
            m = FLAVOR_IN_PATH.matcher(name == null ? "" : name.toString());
        }
        return m.find() ? Optional.of(m.group(1)) : Optional.empty();
    }

    /** Whether libtorch's error says the GPU has no kernel image in this build. */
    static boolean isMissingKernel(String message) {
        return message != null && (message.contains("no kernel image is available")
                || message.contains("invalid device function"));
    }

    /** "12.8" for cu128. */
    static String cudaVersion(String flavor) {
        String digits = flavor.substring(2);
        return digits.substring(0, digits.length() - 1) + "." + digits.substring(digits.length() - 1);
    }
}
