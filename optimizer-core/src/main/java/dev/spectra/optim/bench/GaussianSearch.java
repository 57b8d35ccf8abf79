package dev.spectra.optim.bench;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.rng.Random;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Gradient-free minimization with a Gaussian search distribution {@code N(mu, sigma0^2 S^-1)}
 * (the Bayesian-learning-rule view of evolution strategies). Each iteration draws K points
 * {@code x = mu + sigma0 S^(-1/2) e}, ranks their values into centered, unit-variance utilities u
 * (larger = worse; invariant to monotone transforms of f), and
 * <ul>
 *   <li>steps the mean along the natural gradient: {@code mu <- mu - lr_mu sigma0 mean(u v)} with
 *       {@code v = S^(-1/2) e};</li>
 *   <li>feeds the precision learner the Stein estimate of the Hessian in S's units,
 *       {@code H = mean(u (S v)(S v)^T)} (the {@code -S} term vanishes as the utilities sum to 0).
 *       H is indefinite by construction, so schemes that cannot keep S positive definite fail
 *       here; the learner runs with gamma = 0 (accumulation: the search narrows as it learns).</li>
 * </ul>
 */
final class GaussianSearch {

    /** The outcome of one run. */
    record Result(double bestValue, double[] bestPoint, double[] mean, long evaluations, String failure,
                  double[] bestTrace) {
    }

    private final TestFunction f;
    private final int dim;
    private final int samples;
    private final double sigma0;
    private final double meanRate;

    GaussianSearch(TestFunction f, int dim, int samples, double sigma0, double meanRate) {
        this.f = f;
        this.dim = dim;
        this.samples = samples;
        this.sigma0 = sigma0;
        this.meanRate = meanRate;
    }

    Result run(SpdLearner precision, int iterations, Random rng) {
        double[] mu = new double[dim];
        for (int i = 0; i < dim; i++) {
            mu[i] = f.initLow() + (f.initHigh() - f.initLow()) * rng.nextDouble();
        }
        double best = Double.POSITIVE_INFINITY;
        double[] bestPoint = mu.clone();
        double[] trace = new double[iterations];
        long evaluations = 0;
        String failure = null;
        double[] values = new double[samples];
        double[] u = new double[samples];
        for (int it = 0; it < iterations; it++) {
            INDArray e = RandomSpd.gaussian(rng, dim, samples);
            INDArray v = precision.inverseRoot(e, 2);
            if (!allFinite(v)) {
                failure = "precision not positive definite at iteration " + it;
                Arrays.fill(trace, it, iterations, best);
                break;
            }
            double[][] x = new double[samples][dim];
            for (int k = 0; k < samples; k++) {
                for (int i = 0; i < dim; i++) {
                    x[k][i] = mu[i] + sigma0 * v.getDouble(i, k);
                }
                values[k] = f.value(x[k]);
                evaluations++;
                if (values[k] < best) {
                    best = values[k];
                    bestPoint = x[k].clone();
                }
            }
            utilities(values, u);
            INDArray weights = Nd4j.createFromArray(u).reshape(1, samples);
            INDArray step = v.mulRowVector(weights).mean(1);
            for (int i = 0; i < dim; i++) {
                mu[i] -= meanRate * sigma0 * step.getDouble(i);
            }
            INDArray sv = precision.matrix().mmul(v);
            INDArray h = sv.mulRowVector(weights).mmul(sv.transpose()).divi(samples);
            precision.update(h.add(h.transpose()).muli(0.5));
            trace[it] = best;
        }
        return new Result(best, bestPoint, mu, evaluations, failure, trace);
    }

    /** Centered ranks scaled to unit variance: the worst sample gets the largest utility. */
    static void utilities(double[] values, double[] out) {
        int k = values.length;
        Integer[] order = IntStream.range(0, k).boxed().toArray(Integer[]::new);
        Arrays.sort(order, Comparator.comparingDouble(i -> values[i]));
        double mean = (k - 1) / 2.0;
        double var = 0;
        for (int r = 0; r < k; r++) {
            var += (r - mean) * (r - mean);
        }
        double std = Math.sqrt(var / k);
        for (int r = 0; r < k; r++) {
            out[order[r]] = std > 0 ? (r - mean) / std : 0;
        }
    }

    private static boolean allFinite(INDArray a) {
        for (double d : a.data().asDouble()) {
            if (!Double.isFinite(d)) {
                return false;
            }
        }
        return true;
    }
}
