package dev.spectra.optim.bench;

import dev.spectra.optim.bench.report.LinePlot;
import dev.spectra.optim.bench.report.SeriesTable;
import dev.spectra.optim.reference.SpdMatrices;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.rng.Random;
import org.nd4j.linalg.factory.Nd4j;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Fig. 3 (left): SPD matrix optimization. Each scheme learns S from a noisy stream whose mean is
 * the target S*, minimizing Stein's loss {@code (tr(S*^-1 S) - log det(S*^-1 S) - n) / 2} (the
 * Gaussian KL divergence; 0 at S = S*, undefined once S leaves the SPD cone). Two streams:
 * {@code gop}, means of gradient outer products (positive semi-definite), and {@code indefinite},
 * {@code S* + sigma E} with symmetric Gaussian E - noise whose individual draws are indefinite.
 * Counts the recorded steps at which each scheme's S was not positive definite.
 */
@Command(name = "spd", mixinStandardHelpOptions = true,
        description = "SPD matrix optimization with PSD and indefinite curvature streams (paper Fig. 3 left).")
final class SpdCommand extends BenchCommand {

    @Option(names = "--n", description = "matrix size (default: 20; --full: 100)")
    Integer n;

    @Option(names = "--steps", description = "steps per stream (default: 1000; --full: 3000)")
    Integer steps;

    @Option(names = "--beta2", description = "step size (default: ${DEFAULT-VALUE})", defaultValue = "0.02")
    double beta2;

    @Option(names = "--noise", description = "indefinite stream: sigma as a multiple of the target's largest "
            + "eigenvalue (default: ${DEFAULT-VALUE})", defaultValue = "2.0")
    double noise;

    @Option(names = "--batch", description = "gop stream: outer products averaged per step (default: ${DEFAULT-VALUE})",
            defaultValue = "8")
    int batch;

    @Option(names = "--record-every", description = "record the loss every k steps (default: ${DEFAULT-VALUE})",
            defaultValue = "10")
    int every;

    private int n() {
        return n != null ? n : full ? 100 : 20;
    }

    private int steps() {
        return steps != null ? steps : full ? 3000 : 1000;
    }

    @Override
    protected Map<String, Object> settings() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("n", n());
        m.put("steps", steps());
        m.put("beta2", beta2);
        m.put("gamma", 1.0);
        m.put("noise", noise);
        m.put("batch", batch);
        m.put("condition", 10.0);
        m.put("spectral", "Cayley retraction, exponential eigenvalue step, fp64");
        m.put("projectionFloor", 1e-8);
        return m;
    }

    private List<SpdLearner> learners() {
        return List.of(SpectralLearners.spectralExponential(n(), beta2),
                SpectralLearners.defaultScheme(n(), beta2, 1.0),
                SpdLearners.cholesky(n(), beta2, 1.0),
                SpdLearners.projection(n(), beta2, 1.0, 1e-8));
    }

    @Override
    protected void run() {
        Checks.require(n() >= 2, "--n must be >= 2 but was " + n());
        Checks.require(steps() >= 1, "--steps must be >= 1 but was " + steps());
        Checks.require(beta2 > 0 && beta2 <= 1, "--beta2 must be in (0, 1] but was " + beta2);
        Checks.require(noise >= 0, "--noise must be >= 0 but was " + noise);
        Checks.require(batch >= 1, "--batch must be >= 1 but was " + batch);
        Checks.require(every >= 1, "--record-every must be >= 1 but was " + every);
        Map<String, Object> finalLoss = new LinkedHashMap<>();
        Map<String, Object> violations = new LinkedHashMap<>();
        SeriesTable csv = new SeriesTable("step", "steinLoss", "stream", "positiveDefinite");
        for (String stream : List.of("gop", "indefinite")) {
            Random rng = Nd4j.getRandomFactory().getNewRandomInstance(seed);
            RandomSpd target = RandomSpd.of(n(), 10.0, rng);
            INDArray targetInverse = SpdMatrices.inverseRoot(target.matrix(), 1, 0);
            double sigma = noise * target.eigenvalues().maxNumber().doubleValue();
            List<SpdLearner> learners = learners();
            Map<String, Object> loss = new LinkedHashMap<>();
            Map<String, Object> bad = new LinkedHashMap<>();
            learners.forEach(l -> bad.put(l.name(), 0L));
            SeriesTable plot = new SeriesTable("step", "steinLoss");
            for (int t = 1; t <= steps(); t++) {
                boolean gop = stream.equals("gop");
                INDArray samples = gop ? target.samples(batch, rng) : null;
                INDArray h = gop ? null : target.matrix().add(symmetricNoise(n(), rng).muli(sigma));
                for (SpdLearner l : learners) {
                    if (gop) {
                        l.updateFromSamples(samples, 1.0 / batch);
                    } else {
                        l.update(h);
                    }
                }
                if (t % every == 0 || t == steps()) {
                    for (SpdLearner l : learners) {
                        INDArray s = l.matrix();
                        double minEig = SpdMatrices.minEigenvalue(s);
                        boolean pd = minEig > 0 && Double.isFinite(minEig);
                        if (!pd) {
                            bad.merge(l.name(), 1L, (a, b) -> (Long) a + (Long) b);
                        }
                        double value = pd ? steinLoss(s, targetInverse) : Double.NaN;
                        plot.add(l.name(), t, value);
                        csv.add(l.name(), t, value, stream, pd ? 1 : 0);
                        if (t == steps()) {
                            loss.put(l.name(), value);
                        }
                    }
                }
            }
            finalLoss.put(stream, loss);
            violations.put(stream, bad);
            new LinePlot("SPD optimization, " + stream + " curvature, n=" + n() + " (missing points: S not SPD)")
                    .logY().write(plot, "step", "Stein loss (Gaussian KL to the target)", file("spd-" + stream + ".png"));
        }
        summary.put("finalLoss", finalLoss);
        summary.put("spdViolations", violations);
        summary.put("spdViolationsCountedOver", "recorded steps (every " + every + ")");
        csv.writeCsv(file("spd.csv"));
    }

    /** {@code (Z + Z^T) / sqrt(2n)}: a symmetric Gaussian matrix with spectrum in about [-2, 2]. */
    private static INDArray symmetricNoise(int n, Random rng) {
        INDArray z = RandomSpd.gaussian(rng, n, n);
        return z.add(z.transpose()).muli(1.0 / Math.sqrt(2.0 * n));
    }

    /** {@code (tr(S*^-1 S) - log det(S*^-1 S) - n) / 2} for SPD S. */
    static double steinLoss(INDArray s, INDArray targetInverse) {
        INDArray m = targetInverse.mmul(s);
        double trace = 0;
        for (int i = 0; i < m.rows(); i++) {
            trace += m.getDouble(i, i);
        }
        // log det(S*^-1 S) = log det S - log det S*, both from symmetric eigenvalues.
        double logDet = sumLog(s) + sumLog(targetInverse);
        return 0.5 * (trace - logDet - m.rows());
    }

    private static double sumLog(INDArray spd) {
        INDArray values = SpdMatrices.eigen(spd)[1];
        double sum = 0;
        for (int i = 0; i < values.length(); i++) {
            sum += Math.log(values.getDouble(i));
        }
        return sum;
    }
}
