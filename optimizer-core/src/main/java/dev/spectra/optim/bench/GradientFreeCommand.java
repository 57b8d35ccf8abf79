package dev.spectra.optim.bench;

import dev.spectra.optim.bench.report.LinePlot;
import dev.spectra.optim.bench.report.SeriesTable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import org.nd4j.linalg.api.rng.Random;
import org.nd4j.linalg.factory.Nd4j;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Fig. 3 (right): gradient-free minimization of Ackley, Rosenbrock and Griewank with a Gaussian
 * search whose precision is learned from indefinite Stein estimates (see {@link GaussianSearch}),
 * by the spectral scheme and the reference schemes. A scheme that loses positive-definiteness
 * cannot sample any more: its run stops and the failure is reported.
 */
@Command(name = "gradient-free", mixinStandardHelpOptions = true,
        description = "Gaussian search with a learned precision on Ackley, Rosenbrock, Griewank (paper Fig. 3 right).")
final class GradientFreeCommand extends BenchCommand {

    @Option(names = "--dims", split = ",", description = "dimensions (default: 10; --full: 10,50)")
    List<Integer> dims;

    @Option(names = "--iterations", description = "search iterations per run (default: 1000; --full: 3000)")
    Integer iterations;

    @Option(names = "--samples", description = "function evaluations per iteration (default: 2 * dim)")
    Integer samples;

    @Option(names = "--beta2", description = "precision step size (default: ${DEFAULT-VALUE})", defaultValue = "0.05")
    double beta2;

    @Option(names = "--sigma0", description = "initial search scale (default: ${DEFAULT-VALUE})", defaultValue = "2.0")
    double sigma0;

    @Option(names = "--functions", split = ",", description = "ackley,rosenbrock,griewank (default: all)")
    List<String> functions;

    @Option(names = "--methods", split = ",", description = "spectral,default,cholesky,projection (default: all)",
            defaultValue = "spectral,default,cholesky,projection")
    List<String> methods;

    /** Distance from the final mean to the global minimizer below which the run is in the global basin. */
    static final double BASIN_RADIUS = 0.5;

    private List<Integer> dims() {
        return dims != null ? dims : full ? List.of(10, 50) : List.of(10);
    }

    private int iterations() {
        return iterations != null ? iterations : full ? 3000 : 1000;
    }

    private List<TestFunction> functions() {
        if (functions == null) {
            return List.of(TestFunction.values());
        }
        return functions.stream().map(name -> {
            for (TestFunction f : TestFunction.values()) {
                if (f.label().equals(name.trim().toLowerCase(java.util.Locale.ROOT))) {
                    return f;
                }
            }
            throw new IllegalArgumentException("--functions: unknown function '" + name
                    + "' (known: ackley, rosenbrock, griewank)");
        }).toList();
    }

    private IntFunction<SpdLearner> learner(String method) {
        return switch (method) {
            case "spectral" -> n -> SpectralLearners.spectralAccumulating(n, beta2);
            case "default" -> n -> SpectralLearners.defaultScheme(n, beta2, 0.0);
            case "cholesky" -> n -> SpdLearners.cholesky(n, beta2, 0.0);
            case "projection" -> n -> SpdLearners.projection(n, beta2, 0.0, 1e-8);
            default -> throw new IllegalArgumentException("--methods: unknown method '" + method
                    + "' (known: spectral, default, cholesky, projection)");
        };
    }

    @Override
    protected Map<String, Object> settings() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("dims", dims());
        m.put("iterations", iterations());
        m.put("samplesPerIteration", samples != null ? samples : "2 * dim");
        m.put("beta2", beta2);
        m.put("gamma", 0.0);
        m.put("sigma0", sigma0);
        m.put("meanRate", 1.0);
        m.put("utilities", "centered ranks, unit variance");
        m.put("globalBasin", "final mean within " + BASIN_RADIUS + " of the minimizer");
        return m;
    }

    @Override
    protected void run() {
        Checks.require(iterations() >= 1, "--iterations must be >= 1 but was " + iterations());
        Checks.require(beta2 > 0, "--beta2 must be > 0 but was " + beta2);
        Checks.require(sigma0 > 0, "--sigma0 must be > 0 but was " + sigma0);
        Checks.require(samples == null || samples >= 2, "--samples must be >= 2 but was " + samples);
        List<TestFunction> fs = functions();
        methods.forEach(this::learner); // validate names before running anything
        Map<String, Object> best = new LinkedHashMap<>();
        Map<String, Object> distance = new LinkedHashMap<>();
        Map<String, Object> basin = new LinkedHashMap<>();
        Map<String, Object> failures = new LinkedHashMap<>();
        Map<String, Object> evaluations = new LinkedHashMap<>();
        SeriesTable csv = new SeriesTable("evaluations", "bestValue", "function", "dim");
        for (int dim : dims()) {
            Checks.require(dim >= 2, "--dims must be >= 2 but was " + dim);
            int k = samples != null ? samples : 2 * dim;
            for (TestFunction f : fs) {
                String key = f.label() + "-" + dim;
                SeriesTable plot = new SeriesTable("evaluations", "bestValue");
                Map<String, Object> b = new LinkedHashMap<>();
                Map<String, Object> dist = new LinkedHashMap<>();
                Map<String, Object> in = new LinkedHashMap<>();
                Map<String, Object> fail = new LinkedHashMap<>();
                for (String method : methods) {
                    progress("gradient-free: " + key + " " + method);
                    Random rng = Nd4j.getRandomFactory().getNewRandomInstance(seed + dim);
                    GaussianSearch.Result r = new GaussianSearch(f, dim, k, sigma0, 1.0)
                            .run(learner(method).apply(dim), iterations(), rng);
                    double d = f.distanceToOptimum(r.mean());
                    b.put(method, r.bestValue());
                    dist.put(method, d);
                    in.put(method, d < BASIN_RADIUS);
                    if (r.failure() != null) {
                        fail.put(method, r.failure());
                    }
                    evaluations.put(key, (long) iterations() * k);
                    double[] trace = r.bestTrace();
                    int stride = Math.max(1, trace.length / 200);
                    for (int i = 0; i < trace.length; i += stride) {
                        plot.add(method, (double) (i + 1) * k, trace[i]);
                        csv.add(method, (double) (i + 1) * k, trace[i], f.label(), dim);
                    }
                }
                best.put(key, b);
                distance.put(key, dist);
                basin.put(key, in);
                if (!fail.isEmpty()) {
                    failures.put(key, fail);
                }
                new LinePlot(f.label() + ", d=" + dim + ": best value so far").logY()
                        .write(plot, "function evaluations", "best f(x)", file("gradient-free-" + key + ".png"));
            }
        }
        summary.put("bestValue", best);
        summary.put("evaluations", evaluations);
        summary.put("finalMeanDistanceToOptimum", distance);
        summary.put("inGlobalBasin", basin);
        summary.put("failures", failures);
        csv.writeCsv(file("gradient-free.csv"));
    }
}
