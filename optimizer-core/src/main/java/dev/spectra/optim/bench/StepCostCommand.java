package dev.spectra.optim.bench;

import dev.spectra.optim.Optimizer;
import dev.spectra.optim.Optimizers;
import dev.spectra.optim.bench.report.LinePlot;
import dev.spectra.optim.bench.report.SeriesTable;
import dev.spectra.optim.bench.report.Timer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Optimizer cost on one square n x n weight (DL4J layout, fp32): the full step amortized over the
 * update interval, and the preconditioner update alone.
 *
 * <p>The update cost is measured through the public API as a difference of medians: a step that
 * updates the preconditioner every time (interval 1) minus a step that never does (interval
 * effectively infinite, after the first). That isolates exactly what the interval amortizes -
 * Shampoo's eigendecompositions, SOAP's power iteration + QR, the spectral curvature step (with the
 * eigenbasis products it needs that a non-learning step does not) - without reaching into any
 * optimizer. All optimizers and modes of one size are timed round-robin (see
 * {@link Timer#interleavedMedianMillis}), so their ratios hold on a loaded machine.
 */
@Command(name = "step-cost", mixinStandardHelpOptions = true,
        description = "Preconditioner-update and full-step time per optimizer for square layers.")
final class StepCostCommand extends BenchCommand {

    @Option(names = "--sizes", split = ",", description = "layer sizes n (n x n); default 128,256,512 "
            + "(--full: 128,256,512,1024,2048)")
    List<Integer> sizes;

    @Option(names = "--optimizers", split = ",", description = "optimizers to time (default: ${DEFAULT-VALUE})",
            defaultValue = "adamw,muon,shampoo,soap,kron-spectral")
    List<String> optimizers;

    @Option(names = "--interval", description = "preconditioner/curvature update interval T for the "
            + "amortized step (default: ${DEFAULT-VALUE})", defaultValue = "10")
    int interval;

    @Option(names = "--repeats", description = "timed repeats per measurement (default: 5; --full: 7)")
    Integer repeats;

    @Option(names = "--warmups", description = "untimed warm-up runs (default: ${DEFAULT-VALUE})", defaultValue = "2")
    int warmups;

    private static final int NEVER = 1_000_000_000;

    private List<Integer> sizes() {
        return sizes != null ? sizes : full ? List.of(128, 256, 512, 1024, 2048) : List.of(128, 256, 512);
    }

    private int repeats() {
        return repeats != null ? repeats : full ? 7 : 5;
    }

    @Override
    protected Map<String, Object> settings() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("sizes", sizes());
        m.put("optimizers", OptimizerSpecs.registered(optimizers, true));
        m.put("interval", interval);
        m.put("repeats", repeats());
        m.put("warmups", warmups);
        m.put("timing", "interleaved rounds, median per optimizer and mode");
        m.put("dtype", "float32");
        return m;
    }

    @Override
    protected void run() {
        if (interval < 1 || warmups < 0 || repeats() < 1) {
            throw new IllegalArgumentException("--interval and --repeats must be >= 1 and --warmups >= 0");
        }
        List<String> types = OptimizerSpecs.registered(optimizers, true);
        SeriesTable updates = new SeriesTable("n", "updateMs");
        SeriesTable steps = new SeriesTable("n", "stepMs");
        Map<String, Map<String, Object>> updateMs = new LinkedHashMap<>();
        Map<String, Map<String, Object>> stepMs = new LinkedHashMap<>();
        Map<String, Map<String, Object>> stateBytes = new LinkedHashMap<>();
        Map<String, Object> gemmGflops = new LinkedHashMap<>();
        Map<String, Object> kernelMs = new LinkedHashMap<>();
        for (int n : sizes()) {
            if (n < 2) {
                throw new IllegalArgumentException("--sizes must be >= 2 but was " + n);
            }
            Nd4j.getRandom().setSeed(seed + n);
            INDArray w = Nd4j.randn(DataType.FLOAT, n, n).muli(0.05).dup('f');
            INDArray g = Nd4j.randn(DataType.FLOAT, n, n).muli(1e-2).dup('f');
            Map<String, Double> kernels = kernels(n);
            kernelMs.put(Integer.toString(n), kernels);
            gemmGflops.put(Integer.toString(n), 2.0 * n * n * n / (kernels.get("gemm") * 1e6));
            progress("step-cost: n=" + n + " (" + String.join(", ", types) + ", interleaved)");
            // Every (optimizer, mode) gets its own optimizer and weight copy; all are timed round-robin.
            List<Runnable> bodies = new ArrayList<>();
            List<String[]> labels = new ArrayList<>();
            Map<String, Optimizer> amortizedByType = new LinkedHashMap<>();
            for (String type : types) {
                Optimizer amortized = Optimizers.create(OptimizerSpecs.spec(type, interval, Map.of()));
                amortizedByType.put(type, amortized);
                bodies.add(stepper(amortized, w, g, interval));
                labels.add(new String[] {type, "step"});
                if (OptimizerSpecs.intervalField(type) != null) {
                    bodies.add(stepper(Optimizers.create(OptimizerSpecs.spec(type, 1, Map.of())), w, g, 1));
                    labels.add(new String[] {type, "every"});
                    bodies.add(stepper(Optimizers.create(OptimizerSpecs.spec(type, NEVER, Map.of())), w, g, 1));
                    labels.add(new String[] {type, "never"});
                }
            }
            double[] ms = Timer.interleavedMedianMillis(warmups, repeats(), bodies);
            Map<String, Map<String, Double>> byType = new LinkedHashMap<>();
            for (int i = 0; i < ms.length; i++) {
                String[] l = labels.get(i);
                double perStep = ms[i] / (l[1].equals("step") ? interval : 1);
                byType.computeIfAbsent(l[0], k -> new LinkedHashMap<>()).put(l[1], perStep);
            }
            for (String type : types) {
                Map<String, Double> t = byType.get(type);
                double step = t.get("step");
                stepMs.computeIfAbsent(type, k -> new LinkedHashMap<>()).put(Integer.toString(n), step);
                stateBytes.computeIfAbsent(type, k -> new LinkedHashMap<>())
                        .put(Integer.toString(n), amortizedByType.get(type).stateBytes());
                steps.add(type, n, step);
                if (t.containsKey("every")) {
                    double update = Math.max(0, t.get("every") - t.get("never"));
                    updateMs.computeIfAbsent(type, k -> new LinkedHashMap<>()).put(Integer.toString(n), update);
                    updates.add(type, n, update);
                }
            }
        }
        Map<String, Map<String, Object>> ratio = ratios(updateMs, "shampoo");
        summary.put("updateMs", updateMs);
        summary.put("stepMs", stepMs);
        summary.put("ratioToShampoo", ratio);
        summary.put("stepRatioToShampoo", ratios(stepMs, "shampoo"));
        summary.put("stateBytes", stateBytes);
        summary.put("gemmGflops", gemmGflops);
        summary.put("kernelMs", kernelMs);

        SeriesTable all = new SeriesTable("n", "ms", "metric");
        updates.rows().forEach(r -> all.add(r.series(), r.x(), r.y(), "updateMs"));
        steps.rows().forEach(r -> all.add(r.series(), r.x(), r.y(), "stepMs"));
        all.writeCsv(file("step-cost.csv"));
        new LinePlot("Preconditioner update (T=1 step minus no-update step), fp32").logX().logY().markers()
                .write(updates, "layer size n (n x n)", "update time [ms], median", file("step-cost-update.png"));
        new LinePlot("Optimizer step amortized over T=" + interval + ", fp32").logX().logY().markers()
                .write(steps, "layer size n (n x n)", "step time [ms], median", file("step-cost-step.png"));
    }

    /**
     * {@code block} consecutive steps of {@code opt} on its own copy of the weights; the first step
     * (state initialization, not part of the per-step cost) is taken here, untimed.
     */
    private static Runnable stepper(Optimizer opt, INDArray w0, INDArray g, int block) {
        INDArray w = w0.dup('f');
        Map<String, INDArray> params = Map.of("0_W", w);
        Map<String, INDArray> grads = Map.of("0_W", g);
        opt.step(params, grads);
        return () -> {
            for (int i = 0; i < block; i++) {
                opt.step(params, grads);
            }
        };
    }

    /**
     * The dense kernels the preconditioner updates are made of, timed alone at size n (fp32,
     * preallocated, LAPACK/BLAS through the same helpers the optimizers use), so an update time can
     * be attributed: gemm (n^3 multiply-adds), syrk (half of that), gesv with n right-hand sides
     * (the Cayley retraction's solve), syevd with vectors (Shampoo's root), geqrf+orgqr (SOAP's QR).
     */
    private Map<String, Double> kernels(int n) {
        Map<String, Double> ms = new LinkedHashMap<>();
        INDArray a = Nd4j.rand(DataType.FLOAT, n, n).dup('f');
        INDArray b = Nd4j.rand(DataType.FLOAT, n, n).dup('f');
        INDArray c = Nd4j.createUninitialized(DataType.FLOAT, new long[] {n, n}, 'f');
        INDArray spd = Nd4j.gemm(a, a, true, false).addi(Nd4j.eye(n).castTo(DataType.FLOAT).muli(n)).dup('f');
        INDArray work = Nd4j.createUninitialized(DataType.FLOAT, new long[] {n, n}, 'f');
        INDArray rhs = Nd4j.createUninitialized(DataType.FLOAT, new long[] {n, n}, 'f');
        INDArray values = Nd4j.createUninitialized(DataType.FLOAT, new long[] {1, n}, 'c');
        ms.put("gemm", Timer.medianMillis(warmups, repeats(), () -> Nd4j.gemm(a, b, c, false, false, 1.0, 0.0)));
        ms.put("syrk", Timer.medianMillis(warmups, repeats(),
                () -> dev.spectra.optim.linalg.DenseLinearAlgebra.symmetricProductLower(a, false, 1.0, 0.0, c)));
        ms.put("gesv", Timer.medianMillis(warmups, repeats(), () -> {
            work.assign(spd);
            rhs.assign(b);
            dev.spectra.optim.linalg.DenseLinearAlgebra.solveInPlace(work, rhs);
        }));
        ms.put("syevd", Timer.medianMillis(warmups, repeats(), () -> {
            work.assign(spd);
            dev.spectra.optim.linalg.DenseLinearAlgebra.symmetricEigen(work, values);
        }));
        ms.put("qr", Timer.medianMillis(warmups, repeats(), () -> {
            work.assign(b);
            dev.spectra.optim.linalg.DenseLinearAlgebra.orthonormalizeColumns(work);
        }));
        ms.put("copy", Timer.medianMillis(warmups, repeats(), () -> work.assign(spd)));
        return ms;
    }

    /** {@code base / value} per optimizer and size, where both exist and value > 0. */
    private static Map<String, Map<String, Object>> ratios(Map<String, Map<String, Object>> ms, String base) {
        Map<String, Map<String, Object>> out = new LinkedHashMap<>();
        Map<String, Object> ref = ms.get(base);
        if (ref == null) {
            return out;
        }
        ms.forEach((type, bySize) -> {
            Map<String, Object> r = new LinkedHashMap<>();
            bySize.forEach((n, v) -> {
                double value = (Double) v;
                Object b = ref.get(n);
                r.put(n, b != null && value > 0 ? (Double) b / value : null);
            });
            out.put(type, r);
        });
        return out;
    }
}
