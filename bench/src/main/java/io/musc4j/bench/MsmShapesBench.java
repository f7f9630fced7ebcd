package io.musc4j.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.musc4j.models.Precision;
import io.musc4j.engine.msm.NearestPatchMinima;
import io.musc4j.engine.msm.NearestPatchMinima.TilePlan;
import io.musc4j.models.script.ScriptModule;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The MSM kernel's tile shapes compared in one process, so that a loaded machine slows every shape
 * alike: rounds of A, B, C, … over the same features, medians reported. Then where a tile's time goes:
 * the tile (product and both minimum reductions, one native call), the copies into the minima store,
 * and building the left operands, timed part by part in the order of
 * {@code NearestPatchMinima.tiles} (ops are eager on a CPU, so each has finished when it returns).
 *
 * <p>Arguments: {@code [N=40] [rounds=5] [L=256] [C=768] [k:chunk ...]}: shapes as query images :
 * reference images per product; by default the plan chosen here, one query image with the old 2 MiB
 * product, and a few others.
 */
public final class MsmShapesBench {

    private MsmShapesBench() {
    }

    public static void main(String[] args) {
        List<String> plain = new ArrayList<>();
        List<String> shapes = new ArrayList<>();
        for (String a : args) {
            (a.contains(":") ? shapes : plain).add(a);
        }
        int n = plain.size() > 0 ? Integer.parseInt(plain.get(0)) : 40;
        int rounds = plain.size() > 1 ? Integer.parseInt(plain.get(1)) : 5;
        int l = plain.size() > 2 ? Integer.parseInt(plain.get(2)) : 256;
        int c = plain.size() > 3 ? Integer.parseInt(plain.get(3)) : 768;
        NearestPatchMinima kernel = new NearestPatchMinima(1L << 30, Precision.FP32);
        MachineInfo.print(l, c, kernel);
        TilePlan chosen = kernel.plan(l, c, ai.djl.Device.cpu());
        Map<String, TilePlan> plans = new LinkedHashMap<>();
        plans.put("chosen " + chosen.queryImages() + ":" + chosen.referenceImages(), chosen);
        if (shapes.isEmpty()) {
            long pair = (long) l * l * 4;
            shapes = List.of("1:" + Math.max(1, (2L << 20) / pair), "2:4", "4:4", "4:8", "8:8", "1:40");
        }
        for (String s : shapes) {
            String[] kc = s.split(":");
            plans.putIfAbsent(s, new TilePlan(Integer.parseInt(kc[0]), Integer.parseInt(kc[1]), l, 0));
        }
        double flops = ScoringBench.msmFlops(n, l, c);
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray z = m.randomNormal(new Shape(n, l, c));
            z = z.div(z.norm(new int[] {2}, true));
            Map<String, double[]> seconds = new LinkedHashMap<>();
            // process CPU time as well: on a machine shared with other work it varies less than wall time
            Map<String, double[]> cpuSeconds = new LinkedHashMap<>();
            Map<String, Double> deviation = new LinkedHashMap<>();
            NDArray reference = null;
            for (int round = 0; round <= rounds; round++) { // round 0 warms up
                for (Map.Entry<String, TilePlan> e : plans.entrySet()) {
                    try (NDManager scope = m.newSubManager()) {
                        NDArray zs = z.get(scope, new NDIndex(":"));
                        long t = System.nanoTime();
                        long ticks = ProcStatus.cpuTicks();
                        NDArray minima = kernel.mutual(zs, e.getValue());
                        minima.get(0, 1, 0).getFloat();
                        double s = (System.nanoTime() - t) / 1e9;
                        if (round > 0) {
                            seconds.computeIfAbsent(e.getKey(), k -> new double[rounds])[round - 1] = s;
                            cpuSeconds.computeIfAbsent(e.getKey(), k -> new double[rounds])[round - 1] =
                                    (ProcStatus.cpuTicks() - ticks) / ScoringBench.TICKS_PER_SECOND;
                        }
                        if (reference == null) {
                            reference = minima.duplicate();
                            reference.attach(m);
                        } else if (round == 0) {
                            NDArray off = minima.sub(reference).abs();
                            deviation.put(e.getKey(), (double) off.get(off.isNaN().logicalNot()).max().getFloat()); // ∞ − ∞ on the diagonal
                        }
                    }
                }
            }
            System.out.printf("MSM mutual minima, N=%d L=%d C=%d, %.1f GFLOP per run, median of %d interleaved rounds:%n",
                    n, l, c, flops / 1e9, rounds);
            System.out.printf("  %-14s %-16s %10s %10s %10s %14s%n", "shape k:chunk", "product (M x N)", "ms", "GFLOP/s",
                    "CPU ms", "max |Δ| vs 1st");
            for (Map.Entry<String, double[]> e : seconds.entrySet()) {
                TilePlan p = plans.get(e.getKey());
                double med = median(e.getValue());
                System.out.printf("  %-14s %-16s %10.0f %10.1f %10.0f %14.2g%n", e.getKey(),
                        (long) p.queryImages() * l + " x " + (long) p.referenceImages() * l, med * 1e3, flops / med / 1e9,
                        median(cpuSeconds.get(e.getKey())) * 1e3, deviation.getOrDefault(e.getKey(), 0.0));
            }
            for (String key : List.of(plans.keySet().iterator().next(), shapes.get(0))) {
                stages(m, z, plans.get(key), key, rounds);
            }
        }
    }

    /** Where the time of a whole mutual pass goes, for one tile shape (medians over rounds). */
    private static void stages(NDManager m, NDArray z, TilePlan plan, String name, int rounds) {
        String[] parts = {"tile (product and minima, one native call)", "store copies", "left operands"};
        double[][] t = new double[parts.length][rounds];
        for (int round = 0; round < rounds; round++) {
            try (NDManager scope = m.newSubManager()) {
                long[] ns = timedMutual(z, plan, scope);
                for (int i = 0; i < parts.length; i++) {
                    t[i][round] = ns[i] / 1e6;
                }
            }
        }
        double total = 0;
        double[] med = new double[parts.length];
        for (int i = 0; i < parts.length; i++) {
            med[i] = median(t[i]);
            total += med[i];
        }
        System.out.printf("Stages of shape %s (ms, median of %d):", name, rounds);
        for (int i = 0; i < parts.length; i++) {
            System.out.printf(" %s %.0f (%.0f%%)%s", parts[i], med[i], 100 * med[i] / total, i + 1 < parts.length ? "," : "");
        }
        System.out.println();
    }

    /**
     * The kernel's mutual pass as {@code NearestPatchMinima} runs it (whole patch rows), timed per part:
     * the tile (its TorchScript call: product into the reused workspace, both minimum reductions, clamp
     * and square root), the copies into the minima store, and building the left operands.
     */
    private static long[] timedMutual(NDArray z, TilePlan plan, NDManager scope) {
        long n = z.getShape().get(0);
        long l = z.getShape().get(1);
        long c = z.getShape().get(2);
        long[] ns = new long[3];
        NDArray zs = z.get(scope, new NDIndex(":"));
        NDArray bn = zs.square().sum(new int[] {2}, true);
        NDArray product = NDArrays.concat(new NDList(zs, bn.onesLike(), bn), -1);
        NDArray minima = scope.full(new Shape(n, n, l), Float.POSITIVE_INFINITY, DataType.FLOAT32);
        for (long i0 = 0; i0 + 1 < n; i0 += plan.queryImages()) {
            long i1 = Math.min(n, i0 + plan.queryImages());
            for (long i = i0; i + 1 < i1; i++) {
                tiles(product, i, i + 1, i + 1, i1, plan, minima, ns, l, c, scope);
            }
            if (i1 < n) {
                tiles(product, i0, i1, i1, n, plan, minima, ns, l, c, scope);
            }
        }
        return ns;
    }

    private static final ScriptModule TILE = new ScriptModule(NearestPatchMinima.class, "nearest_patch_tile.py",
            "NearestPatchMutual");

    private static void tiles(NDArray product, long i0, long i1, long from, long to, TilePlan plan, NDArray minima,
            long[] ns, long l, long c, NDManager parent) {
        try (NDManager row = parent.newSubManager()) {
            long t = System.nanoTime();
            NDArray b0 = product.get(row, new NDIndex("{}:{}", i0, i1));
            NDArray a = NDArrays.concat(new NDList(b0.get(":, :, :{}", c).mul(-2), b0.get(":, :, {}:", c + 1),
                    b0.get(":, :, {}:{}", c, c + 1)), -1);
            NDArray work = row.create(new Shape((i1 - i0) * l * plan.referenceImages() * l), DataType.FLOAT32);
            ns[2] += System.nanoTime() - t;
            for (long j0 = from; j0 < to; j0 += plan.referenceImages()) {
                long j1 = Math.min(to, j0 + plan.referenceImages());
                try (NDManager tile = row.newSubManager()) {
                    NDArray b = product.get(tile, new NDIndex("{}:{}", j0, j1));
                    long t1 = System.nanoTime();
                    NDList out = TILE.forward(new NDList(a, b, work));
                    long t2 = System.nanoTime();
                    minima.set(new NDIndex("{}:{}, {}:{}, :", i0, i1, j0, j1), out.get(0));
                    minima.set(new NDIndex("{}:{}, {}:{}, :", j0, j1, i0, i1), out.get(1));
                    long t3 = System.nanoTime();
                    ns[0] += t2 - t1;
                    ns[1] += t3 - t2;
                }
            }
        }
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }
}
