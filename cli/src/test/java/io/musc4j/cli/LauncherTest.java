package io.musc4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code ./musc} launcher's decisions, each a function of {@code launcher/musc-lib.sh} called with
 * a fake {@code /proc/cpuinfo} and environment: the MKL shim only on AMD with a C compiler and not when
 * turned off; the class-data-sharing archive created after a build, then used, and not when turned off;
 * the build's name, which changes with CUDA and the Maven arguments; the allocator's environment, with
 * glibc's own huge pages from glibc 2.35.
 */
class LauncherTest {

    static final Path ROOT = Path.of(System.getProperty("musc4j.testdata")).toAbsolutePath().normalize().getParent();
    private static final String AMD = "processor\t: 0\nvendor_id\t: AuthenticAMD\ncpu family\t: 25\nmodel name\t: AMD EPYC 9654\n";
    private static final String INTEL = "processor\t: 0\nvendor_id\t: GenuineIntel\ncpu family\t: 6\nmodel name\t: Intel Xeon\n";

    @TempDir
    Path tmp;

    /** Runs {@code script} in bash after sourcing the launcher's functions; returns its trimmed stdout. */
    static String bash(String script, Map<String, String> env) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder("bash", "-c", ". \"$MUSC_ROOT/launcher/musc-lib.sh\"; " + script);
        pb.environment().keySet().removeIf(k -> k.startsWith("MUSC_"));
        pb.environment().put("MUSC_ROOT", ROOT.toString());
        pb.environment().putAll(env);
        pb.redirectError(ProcessBuilder.Redirect.INHERIT);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), script);
        return out;
    }

    private Path cpuinfo(String text) throws IOException {
        return Files.writeString(tmp.resolve("cpuinfo-" + text.hashCode()), text);
    }

    @Test
    void allocatorEnvironmentKeepsFreedMemoryUnlessTheCallerChoseOtherwise() throws Exception {
        String print = "musc_allocator_env; echo \"$THP_MEM_ALLOC_ENABLE $MALLOC_MMAP_THRESHOLD_ $MALLOC_TRIM_THRESHOLD_"
                + " $MALLOC_TOP_PAD_ ${GLIBC_TUNABLES:-none}\"";
        Map<String, String> unset = new HashMap<>();
        for (String v : List.of("THP_MEM_ALLOC_ENABLE", "MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_",
                "MALLOC_TOP_PAD_", "GLIBC_TUNABLES")) {
            unset.put(v, "");
        }
        // empty counts as unset (the test process may have them set)
        Map<String, String> recent = with(unset, "MUSC_GLIBC_VERSION", "glibc 2.36");
        assertEquals("0 33554432 134217728 67108864 glibc.malloc.hugetlb=1", bash(print, recent));
        Map<String, String> own = with(with(recent, "MALLOC_TOP_PAD_", "131072"), "THP_MEM_ALLOC_ENABLE", "1");
        assertEquals("1 33554432 134217728 131072 glibc.malloc.hugetlb=1", bash(print, own));
        // the caller's tunables are kept, glibc's huge pages added to them unless they say otherwise
        assertEquals("0 33554432 134217728 67108864 glibc.malloc.arena_max=2:glibc.malloc.hugetlb=1",
                bash(print, with(recent, "GLIBC_TUNABLES", "glibc.malloc.arena_max=2")));
        assertEquals("1 33554432 134217728 67108864 glibc.malloc.hugetlb=0",
                bash(print, with(recent, "GLIBC_TUNABLES", "glibc.malloc.hugetlb=0")));
        // before glibc 2.35 (no such tunable), or without glibc, libtorch's own huge pages
        assertEquals("1 33554432 134217728 67108864 none", bash(print, with(unset, "MUSC_GLIBC_VERSION", "glibc 2.34")));
        assertEquals("1 33554432 134217728 67108864 none", bash(print, with(unset, "MUSC_GLIBC_VERSION", "musl")));
    }

    @Test
    void glibcHugePagesFromVersionTwoThirtyFive() throws Exception {
        assertEquals("yes", bash("musc_glibc_thp", Map.of("MUSC_GLIBC_VERSION", "glibc 2.35")));
        assertEquals("yes", bash("musc_glibc_thp", Map.of("MUSC_GLIBC_VERSION", "glibc 2.40")));
        assertEquals("yes", bash("musc_glibc_thp", Map.of("MUSC_GLIBC_VERSION", "glibc 3.0")));
        assertEquals("no: glibc 2.31, before 2.35", bash("musc_glibc_thp", Map.of("MUSC_GLIBC_VERSION", "glibc 2.31")));
        assertEquals("no: glibc 1.99, before 2.35", bash("musc_glibc_thp", Map.of("MUSC_GLIBC_VERSION", "glibc 1.99")));
        assertEquals("no: not glibc", bash("musc_glibc_thp", Map.of("MUSC_GLIBC_VERSION", "musl libc")));
    }

    private static Map<String, String> with(Map<String, String> env, String name, String value) {
        Map<String, String> m = new HashMap<>(env);
        m.put(name, value);
        return m;
    }

    @Test
    void mklShimOnlyOnAmdWithACompilerAndNotWhenTurnedOff() throws Exception {
        String amd = cpuinfo(AMD).toString();
        // `true` stands in for a compiler that exists, a missing path for one that does not
        assertEquals("yes", bash("musc_mkl_shim_decision", Map.of("MUSC_CPUINFO", amd, "MUSC_CC", "true")));
        assertEquals("AuthenticAMD", bash("musc_cpu_vendor", Map.of("MUSC_CPUINFO", amd)));
        assertEquals("no: CPU vendor GenuineIntel, not AMD", bash("musc_mkl_shim_decision",
                Map.of("MUSC_CPUINFO", cpuinfo(INTEL).toString(), "MUSC_CC", "true")));
        assertEquals("no: CPU vendor unknown, not AMD", bash("musc_mkl_shim_decision",
                Map.of("MUSC_CPUINFO", tmp.resolve("none").toString(), "MUSC_CC", "true")));
        assertEquals("no: MUSC_MKL_SHIM=0", bash("musc_mkl_shim_decision",
                Map.of("MUSC_CPUINFO", amd, "MUSC_CC", "true", "MUSC_MKL_SHIM", "0")));
        assertEquals("yes", bash("musc_mkl_shim_decision",
                Map.of("MUSC_CPUINFO", amd, "MUSC_CC", "true", "MUSC_MKL_SHIM", "1")));
        assertEquals("no: no C compiler (/nonexistent/cc) to build it", bash("musc_mkl_shim_decision",
                Map.of("MUSC_CPUINFO", amd, "MUSC_CC", "/nonexistent/cc")));
    }

    @Test
    void shimIsBuiltOnceUnderTargetAndExportsTheCheck() throws Exception {
        assumeTrue(onPath("cc") && onPath("nm"), "needs cc and nm");
        Path root = Files.createDirectories(tmp.resolve("repo/launcher")).getParent();
        Files.copy(ROOT.resolve("launcher/mkl_shim.c"), root.resolve("launcher/mkl_shim.c"));
        String lib = bash("musc_mkl_shim_build \"$R\"", Map.of("R", root.toString()));
        assertEquals(root.resolve("target/mkl-shim/libmusc_mkl_shim.so").toString(), lib);
        assertTrue(run("nm", "-D", lib).contains(" T mkl_serv_intel_cpu_true"));
        FileTime built = Files.getLastModifiedTime(Path.of(lib));
        Files.setLastModifiedTime(root.resolve("launcher/mkl_shim.c"), FileTime.fromMillis(built.toMillis() - 60_000));
        assertEquals(lib, bash("musc_mkl_shim_build \"$R\"", Map.of("R", root.toString())));
        assertEquals(built, Files.getLastModifiedTime(Path.of(lib)), "cached, not rebuilt");
        // a compiler that fails leaves no library and prints nothing
        Files.delete(Path.of(lib));
        assertEquals("", bash("musc_mkl_shim_build \"$R\"", Map.of("R", root.toString(), "MUSC_CC", "false")));
        assertTrue(Files.notExists(Path.of(lib)));
    }

    @Test
    void classDataSharingArchiveIsCreatedAfterABuildThenUsed() throws Exception {
        Path root = tmp.resolve("repo");
        Path stamp = Files.createDirectories(root.resolve("target")).resolve("musc-build.cpu");
        Files.writeString(stamp, "");
        Map<String, String> env = Map.of("R", root.toString(), "S", stamp.toString());
        Path archive = root.resolve("target/cds/musc-cli-cpu.jsa");
        String decide = "musc_cds_decision \"$R\" cli \"$S\" run --data d";
        assertEquals("create " + archive, bash(decide, env));
        Files.createDirectories(archive.getParent());
        Files.writeString(archive, "");
        Files.setLastModifiedTime(stamp, FileTime.fromMillis(System.currentTimeMillis() - 60_000));
        assertEquals("use " + archive, bash(decide, env));
        // a build after the archive was written makes it stale
        Files.setLastModifiedTime(stamp, FileTime.fromMillis(System.currentTimeMillis() + 60_000));
        assertEquals("create " + archive, bash(decide, env));
        assertEquals("off: MUSC_CDS=0", bash(decide, Map.of("R", root.toString(), "S", stamp.toString(),
                "MUSC_CDS", "0")));
        // help loads too few classes to be worth an archive
        assertEquals("off: help", bash("musc_cds_decision \"$R\" cli \"$S\" run --help", env));
        assertEquals("off: no command", bash("musc_cds_decision \"$R\" cli \"$S\"", env));
    }

    @Test
    void buildNameFollowsCudaAndTheMavenArguments() throws Exception {
        assertEquals("cpu", bash("musc_build_name", Map.of()));
        assertEquals("cuda", bash("musc_build_name", Map.of("MUSC_CUDA", "1")));
        String previousPair = "-Ddjl.version=0.33.0 -Dpytorch.version=2.5.1";
        String cksum = run("bash", "-c", "printf '%s' '" + previousPair + "' | cksum").split(" ")[0];
        assertEquals("cpu-" + cksum, bash("musc_build_name", Map.of("MUSC_MAVEN_ARGS", previousPair)));
        assertEquals("cuda-" + cksum, bash("musc_build_name", Map.of("MUSC_MAVEN_ARGS", previousPair,
                "MUSC_CUDA", "1")));
        String other = bash("musc_build_name", Map.of("MUSC_MAVEN_ARGS", "-Dpytorch.version=2.7.1"));
        assertTrue(other.startsWith("cpu-") && !other.equals("cpu-" + cksum), other);
    }

    @Test
    void classPathIsTheModuleJarThenItsLibrariesInOrder() throws Exception {
        Path root = tmp.resolve("repo");
        Path lib = Files.createDirectories(root.resolve("cli/target/lib"));
        Files.writeString(root.resolve("cli/target/musc4j-cli-0.1.0-SNAPSHOT.jar"), "");
        Files.writeString(lib.resolve("b.jar"), "");
        Files.writeString(lib.resolve("a.jar"), "");
        assertEquals(root + "/cli/target/musc4j-cli-0.1.0-SNAPSHOT.jar:" + lib + "/a.jar:" + lib + "/b.jar",
                bash("musc_class_path \"$R\" cli", Map.of("R", root.toString())));
    }

    @Test
    void djlRunsOfflineWhereTheLibrariesHoldTheNatives() throws Exception {
        Path root = tmp.resolve("repo");
        Path lib = Files.createDirectories(root.resolve("cli/target/lib"));
        Files.writeString(lib.resolve("pytorch-engine-0.36.0.jar"), "");
        Map<String, String> env = Map.of("R", root.toString());
        assertEquals("false", bash("musc_djl_offline \"$R\" cli", env));
        Files.writeString(lib.resolve("pytorch-native-cpu-2.7.1-linux-x86_64.jar"), "");
        assertEquals("true", bash("musc_djl_offline \"$R\" cli", env));
    }

    @Test
    void launcherPassesShellcheck() throws Exception {
        assumeTrue(onPath("shellcheck"), "shellcheck is not installed (apt-get install shellcheck)");
        List<String> cmd = new ArrayList<>(List.of("shellcheck", "-x", "musc", "launcher/musc-lib.sh",
                "launcher/check-platforms.sh", "launcher/mkl-check.sh", "launcher/startup-check.sh"));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(ROOT.toFile()).redirectErrorStream(true);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
    }

    static boolean onPath(String command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("bash", "-c", "command -v " + command).start();
        p.getInputStream().readAllBytes();
        return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
    }

    private static String run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        return out;
    }
}
