package dev.spectra.optim.bench;

import dev.spectra.optim.bench.report.LinePlot;
import dev.spectra.optim.bench.report.SeriesTable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.rng.Random;
import org.nd4j.linalg.factory.Nd4j;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Fig. 2 (left) of the paper: a full n x n SPD matrix learned from the curvature stream
 * {@code H_t = (1/b) sum g g^T}, {@code g ~ N(0, Sigma)}, by the spectral scheme, the default
 * scheme (EMA + eigendecomposition) and the Cholesky local-coordinate scheme, all from S = I with
 * gamma = 1 so the fixed point is Sigma. Reports each scheme's error to Sigma and the spectral and
 * Cholesky iterates' distance to the default scheme's iterates.
 */
@Command(name = "fixed-point-full", mixinStandardHelpOptions = true,
        description = "Full-matrix SPD fixed point: spectral vs default vs Cholesky schemes (paper Fig. 2 left).")
final class FixedPointFullCommand extends BenchCommand {

    @Option(names = "--n", description = "matrix size (default: ${DEFAULT-VALUE})", defaultValue = "100")
    int n;

    @Option(names = "--steps", description = "curvature steps (default: 500; --full: 2000)")
    Integer steps;

    @Option(names = "--beta2", description = "curvature step size (default: ${DEFAULT-VALUE})", defaultValue = "0.01")
    double beta2;

    @Option(names = "--batch", description = "gradient outer products averaged per step (default: ${DEFAULT-VALUE})",
            defaultValue = "128")
    int batch;

    @Option(names = "--condition", description = "condition number of the target (default: ${DEFAULT-VALUE})",
            defaultValue = "100")
    double condition;

    @Option(names = "--record-every", description = "record errors every k steps (default: ${DEFAULT-VALUE})",
            defaultValue = "5")
    int every;

    private int steps() {
        return steps != null ? steps : full ? 2000 : 500;
    }

    @Override
    protected Map<String, Object> settings() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("n", n);
        m.put("steps", steps());
        m.put("beta2", beta2);
        m.put("gamma", 1.0);
        m.put("batch", batch);
        m.put("condition", condition);
        m.put("spectral", "Cayley retraction, linear eigenvalue step (PSD curvature), fp64");
        return m;
    }

    @Override
    protected void run() {
        Checks.require(n >= 2, "--n must be >= 2 but was " + n);
        Checks.require(steps() >= 1, "--steps must be >= 1 but was " + steps());
        Checks.require(beta2 > 0 && beta2 <= 1, "--beta2 must be in (0, 1] but was " + beta2);
        Checks.require(batch >= 1, "--batch must be >= 1 but was " + batch);
        Checks.require(condition >= 1, "--condition must be >= 1 but was " + condition);
        Checks.require(every >= 1, "--record-every must be >= 1 but was " + every);
        Random rng = Nd4j.getRandomFactory().getNewRandomInstance(seed);
        RandomSpd target = RandomSpd.of(n, condition, rng);
        SpdLearner spectral = SpectralLearners.spectralLinear(n, beta2);
        SpdLearner reference = SpectralLearners.defaultScheme(n, beta2, 1.0);
        SpdLearner cholesky = SpdLearners.cholesky(n, beta2, 1.0);
        List<SpdLearner> all = List.of(spectral, reference, cholesky);

        SeriesTable toTarget = new SeriesTable("step", "relErrToTarget");
        SeriesTable toDefault = new SeriesTable("step", "relErrToDefault");
        Map<String, Object> maxToDefault = new LinkedHashMap<>();
        Map<String, Object> maxToDefaultAfterWarmup = new LinkedHashMap<>();
        long warmup = Math.round(1 / beta2);
        for (int t = 1; t <= steps(); t++) {
            INDArray g = target.samples(batch, rng);
            for (SpdLearner l : all) {
                l.updateFromSamples(g, 1.0 / batch);
            }
            if (t % every == 0 || t == steps()) {
                INDArray d = reference.matrix();
                for (SpdLearner l : all) {
                    INDArray s = l.matrix();
                    toTarget.add(l.name(), t, RandomSpd.relErr(s, target.matrix()));
                    if (l != reference) {
                        double e = RandomSpd.relErr(s, d);
                        toDefault.add(l.name(), t, e);
                        maxToDefault.merge(l.name(), e, (a, b) -> Math.max((Double) a, (Double) b));
                        if (t > warmup) {
                            maxToDefaultAfterWarmup.merge(l.name(), e, (a, b) -> Math.max((Double) a, (Double) b));
                        }
                    }
                }
            }
        }
        Map<String, Object> finalErr = new LinkedHashMap<>();
        for (SpdLearner l : all) {
            finalErr.put(l.name(), RandomSpd.relErr(l.matrix(), target.matrix()));
        }
        summary.put("finalRelErr", finalErr);
        summary.put("maxRelErrToDefault", maxToDefault);
        summary.put("maxRelErrToDefaultAfterWarmup", maxToDefaultAfterWarmup);
        summary.put("warmupSteps", warmup);

        SeriesTable all2 = new SeriesTable("step", "relErr", "reference");
        toTarget.rows().forEach(r -> all2.add(r.series(), r.x(), r.y(), "target"));
        toDefault.rows().forEach(r -> all2.add(r.series(), r.x(), r.y(), "default-scheme"));
        all2.writeCsv(file("fixed-point-full.csv"));
        new LinePlot("SPD fixed point, n=" + n + ", beta2=" + beta2 + ": ||S - Sigma||_F / ||Sigma||_F").logY()
                .write(toTarget, "step", "relative error to the target", file("fixed-point-full.png"));
        new LinePlot("Distance to the default scheme's iterates").logY()
                .write(toDefault, "step", "||S - S_default||_F / ||S_default||_F", file("fixed-point-full-vs-default.png"));
    }
}
