package dev.spectra.optim.bench;

import dev.spectra.optim.bench.report.LinePlot;
import dev.spectra.optim.bench.report.SeriesTable;
import dev.spectra.optim.reference.KroneckerCholeskyScheme;
import dev.spectra.optim.reference.KroneckerDefaultScheme;
import dev.spectra.optim.reference.KroneckerProjectionScheme;
import dev.spectra.optim.reference.KroneckerScheme;
import java.util.LinkedHashMap;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.rng.Random;
import org.nd4j.linalg.factory.Nd4j;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Fig. 2 (right): a Kronecker-structured fixed point. One gradient per step,
 * {@code G = L_C Z L_K^T} with {@code L_C L_C^T = S_C} (rows x rows) and {@code L_K L_K^T = S_K}
 * (cols x cols), so {@code E[vec(G) vec(G)^T] = S_C kron S_K} (99 x 99 with the default 9 x 11).
 * Compares the kron-spectral optimizer's curvature learner with the Kronecker baselines: the
 * default (flip-flop EMA + eigendecomposition), Cholesky local coordinates, and the impractical
 * projection of the full default iterate onto Kronecker structure.
 */
@Command(name = "fixed-point-kron", mixinStandardHelpOptions = true,
        description = "Kronecker-structured SPD fixed point: spectral vs Kronecker baselines (paper Fig. 2 right).")
final class FixedPointKronCommand extends BenchCommand {

    @Option(names = "--rows", description = "row factor size (default: ${DEFAULT-VALUE})", defaultValue = "9")
    int rows;

    @Option(names = "--cols", description = "column factor size (default: ${DEFAULT-VALUE})", defaultValue = "11")
    int cols;

    @Option(names = "--steps", description = "gradient samples (default: 2000; --full: 5000)")
    Integer steps;

    @Option(names = "--beta2", description = "curvature step size (default: ${DEFAULT-VALUE})", defaultValue = "0.01")
    double beta2;

    @Option(names = "--condition", description = "condition number of each target factor (default: ${DEFAULT-VALUE})",
            defaultValue = "10")
    double condition;

    @Option(names = "--record-every", description = "record errors every k steps (default: ${DEFAULT-VALUE})",
            defaultValue = "25")
    int every;

    private int steps() {
        return steps != null ? steps : full ? 5000 : 2000;
    }

    @Override
    protected Map<String, Object> settings() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("rows", rows);
        m.put("cols", cols);
        m.put("steps", steps());
        m.put("beta2", beta2);
        m.put("gamma", 1.0);
        m.put("condition", condition);
        m.put("spectral", "kron-spectral optimizer, curvatureInterval 1, Cayley, fp64");
        return m;
    }

    @Override
    protected void run() {
        Checks.require(rows >= 2 && cols >= 2, "--rows and --cols must be >= 2 but were " + rows + ", " + cols);
        Checks.require(steps() >= 1, "--steps must be >= 1 but was " + steps());
        Checks.require(beta2 > 0 && beta2 <= 1, "--beta2 must be in (0, 1] but was " + beta2);
        Checks.require(condition >= 1, "--condition must be >= 1 but was " + condition);
        Checks.require(every >= 1, "--record-every must be >= 1 but was " + every);
        Random rng = Nd4j.getRandomFactory().getNewRandomInstance(seed);
        RandomSpd sc = RandomSpd.of(rows, condition, rng);
        RandomSpd sk = RandomSpd.of(cols, condition, rng);
        INDArray target = KroneckerScheme.kron(sc.matrix(), sk.matrix());
        Map<String, KroneckerScheme> schemes = new LinkedHashMap<>();
        schemes.put("spectral", new KronSpectralProbe(rows, cols, beta2));
        schemes.put("kron-default", new KroneckerDefaultScheme(rows, cols, DataType.DOUBLE, beta2, 1.0));
        schemes.put("kron-cholesky", new KroneckerCholeskyScheme(rows, cols, DataType.DOUBLE, beta2, 1.0));
        schemes.put("projection (full matrix)", new KroneckerProjectionScheme(rows, cols, DataType.DOUBLE, beta2, 1.0, 1e-10));
        SeriesTable table = new SeriesTable("step", "relErrToTarget");
        Map<String, Object> finalErr = new LinkedHashMap<>();
        for (int t = 1; t <= steps(); t++) {
            INDArray g = sc.sqrt().mmul(RandomSpd.gaussian(rng, rows, cols)).mmul(sk.sqrt().transpose());
            schemes.values().forEach(s -> s.update(g));
            if (t % every == 0 || t == steps()) {
                for (Map.Entry<String, KroneckerScheme> e : schemes.entrySet()) {
                    double err = RandomSpd.relErr(e.getValue().estimate(), target);
                    table.add(e.getKey(), t, err);
                    if (t == steps()) {
                        finalErr.put(e.getKey(), err);
                    }
                }
            }
        }
        summary.put("finalRelErr", finalErr);
        summary.put("target", rows * cols + "x" + rows * cols + " = (" + rows + "x" + rows + ") kron (" + cols + "x" + cols + ")");
        table.writeCsv(file("fixed-point-kron.csv"));
        new LinePlot("Kronecker fixed point " + rows + "x" + rows + " kron " + cols + "x" + cols + ", beta2=" + beta2).logY()
                .write(table, "step (one gradient each)", "||S - S*||_F / ||S*||_F", file("fixed-point-kron.png"));
    }
}
