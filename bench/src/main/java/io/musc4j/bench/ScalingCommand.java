package io.musc4j.bench;

import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code musc bench scaling}: how the batch path's cost grows, one {@link SpeedCommand} run per point:
 * per-image time against N at one image size, then against the image size at one N. The backbone's cost
 * per image is flat in N and MSM's grows with N (each image is compared with every other), so the table
 * also gives the N beyond which MSM costs more than the backbone. Every point runs in this process, one
 * after the other, after one run that is not counted.
 */
@Command(name = "scaling", mixinStandardHelpOptions = true,
        description = "Per-image time of the batch path against N and the image size, with the N where MSM "
                + "overtakes the backbone.")
final class ScalingCommand implements Callable<Integer> {

    @Option(names = "--arch", defaultValue = "dinov2-base", description = "dinov2-base (ViT-B/14) or clip-large-336")
    String arch;
    @Option(names = "--images", split = ",", defaultValue = "20,40,80,160", description = "the N to run at the first size")
    List<Integer> images;
    @Option(names = "--sizes", split = ",", defaultValue = "224,336,448", description = "the image sizes to run at --at-images")
    List<Integer> sizes;
    @Option(names = "--at-images", defaultValue = "40", description = "N of the size runs")
    int atImages;

    @Override
    public Integer call() throws Exception {
        System.out.printf("musc bench scaling: %s, %d CPU(s), %s%n", arch, Runtime.getRuntime().availableProcessors(),
                io.musc4j.engine.msm.CpuCaches.cpuModel());
        System.out.printf("| N | size | backbone ms/image | LNAMD | MSM | total | MSM GFLOP/s | matmul peak |%n");
        System.out.printf("|---|---|---|---|---|---|---|---|%n");
        // a first run not counted: class loading, the scripted kernels' compilation, the product sizing
        speed(images.get(0), sizes.get(0)).measure(false);
        SpeedCommand.Measured first = null;
        SpeedCommand.Measured last = null;
        for (int n : images) {
            last = row(n, sizes.get(0));
            first = first == null ? last : first;
        }
        for (int size : sizes.subList(1, sizes.size())) {
            row(atImages, size);
        }
        if (first != null && last != first) {
            // MSM per image grows linearly in N: a·N; the backbone per image is flat: b
            double perN = (last.msPerImage("MSM") - first.msPerImage("MSM")) / (last.images() - first.images());
            double offset = first.msPerImage("MSM") - perN * first.images();
            double backbone = (first.msPerImage("backbone") + last.msPerImage("backbone")) / 2;
            System.out.printf("MSM per image ≈ %.3f ms × N %+.1f ms; backbone ≈ %.1f ms per image: MSM costs more "
                    + "than the backbone beyond N ≈ %.0f at %d²%n", perN, offset, backbone,
                    (backbone - offset) / perN, sizes.get(0));
        }
        return 0;
    }

    private SpeedCommand.Measured row(int n, int size) throws Exception {
        SpeedCommand.Measured m = speed(n, size).measure(false);
        System.out.printf("| %d | %d | %.1f | %.1f | %.1f | %.1f | %.0f | %.0f |%n", n, size, m.msPerImage("backbone"),
                m.msPerImage("LNAMD"), m.msPerImage("MSM"), m.totalMsPerImage(), m.msmGflops(), m.peakGflops());
        return m;
    }

    private SpeedCommand speed(int n, int size) {
        SpeedCommand speed = new SpeedCommand();
        speed.arch = arch;
        speed.imageSize = size;
        speed.images = n;
        speed.degrees = List.of(1, 3, 5);
        speed.batch = 8;
        speed.budgetMiB = 1024;
        return speed;
    }
}
