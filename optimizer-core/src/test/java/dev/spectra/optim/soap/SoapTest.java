package dev.spectra.optim.soap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.spectra.optim.FactorDiagnostics;
import dev.spectra.optim.Optimizer;
import dev.spectra.optim.Optimizers;
import dev.spectra.optim.StateDtype;
import dev.spectra.optim.config.InvalidConfigException;
import dev.spectra.optim.state.OptimizerState;
import dev.spectra.optim.testing.Dense;
import dev.spectra.optim.testing.ResumeCheck;
import dev.spectra.optim.testing.Specs;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

class SoapTest {

    /** Scalar Adam with SOAP's schedule: the first step only initializes, bias corrections count from the second. */
    static final class ScalarAdam {
        final double b1;
        final double b2;
        final double eps;
        final double[] m;
        final double[] v;
        int t = -1;

        ScalarAdam(int n, double b1, double b2, double eps) {
            this.b1 = b1;
            this.b2 = b2;
            this.eps = eps;
            m = new double[n];
            v = new double[n];
        }

        double[] step(double[] g, double lr) {
            t++;
            double[] out = new double[g.length];
            if (t == 0) {
                return out;
            }
            double scale = lr * Math.sqrt(1 - Math.pow(b2, t)) / (1 - Math.pow(b1, t));
            for (int i = 0; i < g.length; i++) {
                m[i] = b1 * m[i] + (1 - b1) * g[i];
                v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
                out[i] = scale * m[i] / (Math.sqrt(v[i]) + eps);
            }
            return out;
        }
    }

    /**
     * Gradients G_t = U_L D_t U_R^T with fixed orthogonal U's and (rectangular) diagonal D_t share
     * one eigenbasis, so SOAP's power-iteration refresh is exact and SOAP must equal Adam on the
     * diagonal coefficients - even as the eigenvalue order changes and the second moment is
     * permuted with it. Biases get plain Adam (with the same skipped first step).
     */
    @Test
    void equalsAdamInTheExactEigenbasis() {
        for (double beta1 : new double[] {0.0, 0.9}) {
            for (int frequency : new int[] {1, 2}) {
                double lr = 0.01;
                double eps = 1e-3;
                Optimizer opt = Optimizers.create(Specs.of("soap", "lr", lr, "beta1", beta1, "beta2", 0.9, "shampooBeta", 0.8,
                        "eps", eps, "preconditionFrequency", frequency, "weightDecay", 0.0, "stateDtype", "float64"));
                Random rnd = new Random(21);
                double[][] ul = Dense.randomOrthogonal(4, rnd);
                double[][] ur = Dense.randomOrthogonal(3, rnd);
                INDArray w = Dense.toNd4j(Dense.gaussian(4, 3, rnd), DataType.DOUBLE).dup('f');
                INDArray b = Dense.toNd4j(Dense.gaussian(1, 3, rnd), DataType.DOUBLE);
                double[][] expectedW = Dense.fromNd4j(w);
                double[][] expectedB = Dense.fromNd4j(b);
                ScalarAdam coefficients = new ScalarAdam(3, beta1, 0.9, eps);
                ScalarAdam bias = new ScalarAdam(3, beta1, 0.9, eps);
                double[] scales = {1.0, 0.95, 0.9};
                for (int t = 0; t < 14; t++) {
                    double[] c = new double[3];
                    double[][] d = Dense.zeros(4, 3);
                    for (int i = 0; i < 3; i++) {
                        c[i] = scales[i] * (1 + 0.6 * rnd.nextGaussian());
                        d[i][i] = c[i];
                    }
                    double[][] g = Dense.mul(Dense.mul(ul, d), Dense.t(ur));
                    double[][] gb = Dense.gaussian(1, 3, rnd);
                    Map<String, INDArray> params = new LinkedHashMap<>();
                    params.put("0_W", w);
                    params.put("0_b", b);
                    opt.step(params, Map.of("0_W", Dense.toNd4j(g, DataType.DOUBLE), "0_b", Dense.toNd4j(gb, DataType.DOUBLE)));
                    double[] step = coefficients.step(c, lr);
                    double[][] ds = Dense.zeros(4, 3);
                    for (int i = 0; i < 3; i++) {
                        ds[i][i] = step[i];
                    }
                    expectedW = Dense.add(expectedW, 1, Dense.mul(Dense.mul(ul, ds), Dense.t(ur)), -1);
                    double[] bstep = bias.step(gb[0], lr);
                    for (int i = 0; i < 3; i++) {
                        expectedB[0][i] -= bstep[i];
                    }
                }
                String what = "beta1=" + beta1 + " f=" + frequency;
                assertThat(Dense.maxAbsDiff(Dense.fromNd4j(w), expectedW)).as("weights, %s", what).isLessThan(1e-10);
                assertThat(Dense.maxAbsDiff(Dense.fromNd4j(b), expectedB)).as("bias, %s", what).isLessThan(1e-12);
            }
        }
    }

    private static double[][] stateMatrix(Optimizer opt, String key) {
        return Dense.fromNd4j(OptimizerState.fromBytes(opt.exportState(), "soap").tensor("0:soap:" + key));
    }

    /**
     * A refresh is one power iteration and a QR: Q_new spans the same columns, in the same order,
     * as Gram-Schmidt applied to L Q_old with Q_old's columns sorted by decreasing diag(Q^T L Q).
     */
    @Test
    void refreshIsOnePowerIterationWithSortedColumnsThenQr() {
        Optimizer opt = Optimizers.create(Specs.of("soap", "preconditionFrequency", 3, "stateDtype", "float64"));
        Random rnd = new Random(4);
        double[][] mix = Dense.gaussian(5, 5, rnd);
        INDArray w = Dense.toNd4j(Dense.zeros(5, 4), DataType.DOUBLE);
        double[][] qBefore = null;
        double[][] lBefore = null;
        for (int t = 1; t <= 4; t++) {
            if (t == 4) {
                qBefore = stateMatrix(opt, "w/L-Q");
            }
            double[][] g = Dense.mul(mix, Dense.gaussian(5, 4, rnd));
            opt.step(Map.of("w", w), Map.of("w", Dense.toNd4j(g, DataType.DOUBLE)));
            if (t == 4) {
                lBefore = stateMatrix(opt, "w/L-stat"); // the refresh at Adam step 3 uses the updated statistic
            }
        }
        double[][] power = Dense.mul(lBefore, qBefore);
        double[] estimates = new double[5];
        for (int j = 0; j < 5; j++) {
            for (int i = 0; i < 5; i++) {
                estimates[j] += qBefore[i][j] * power[i][j];
            }
        }
        Integer[] order = {0, 1, 2, 3, 4};
        Arrays.sort(order, Comparator.comparingDouble((Integer j) -> estimates[j]).reversed());
        double[][] sorted = new double[5][5];
        for (int i = 0; i < 5; i++) {
            for (int j = 0; j < 5; j++) {
                sorted[i][j] = power[i][order[j]];
            }
        }
        double[][] expected = Dense.gramSchmidt(sorted);
        double[][] actual = stateMatrix(opt, "w/L-Q");
        double[][] overlap = Dense.mul(Dense.t(actual), expected);
        for (int i = 0; i < 5; i++) {
            for (int j = 0; j < 5; j++) {
                assertThat(Math.abs(overlap[i][j])).as("|Q_new^T Q_ref|[%d][%d]", i, j)
                        .isCloseTo(i == j ? 1.0 : 0.0, org.assertj.core.api.Assertions.within(1e-9));
            }
        }
        FactorDiagnostics left = opt.diagnostics().get(0);
        assertThat(left.factor()).isEqualTo("L");
        assertThat(left.lastUpdateStep()).isEqualTo(4);
        assertThat(left.orthogonalityError()).isLessThan(1e-12);
    }

    @Test
    void exportImportContinuesBitIdenticallyInEveryPrecision() {
        for (StateDtype dtype : StateDtype.values()) {
            ResumeCheck.assertBitExactResume(Optimizers.parse(Specs.of("soap", "preconditionFrequency", 2, "maxFactorSize", 5,
                    "stateDtype", dtype.specName())), 6, 5);
        }
    }

    @Test
    void stateBytesCountFactorsBasesAndMoments() {
        Optimizer opt = Optimizers.create(Specs.of("soap", "maxFactorSize", 5));
        Map<String, INDArray> params = ResumeCheck.params(2);
        Map<String, INDArray> grads = new LinkedHashMap<>();
        params.forEach((k, p) -> grads.put(k, org.nd4j.linalg.factory.Nd4j.randn(DataType.FLOAT, p.shape())));
        opt.step(params, grads);
        // 0_W 6x5: rows 6 > 5 unrotated, cols 5 rotated; 0_b: Adam only; 1_W 4x8: rows rotated.
        long moments = 2 * (30 + 5 + 32);
        long factors = 2 * (25 + 16);
        assertThat(opt.stateBytes()).isEqualTo(4 * (moments + factors));
    }

    @Test
    void invalidConfigNamesEveryBadFieldAndValue() {
        assertThatThrownBy(() -> Optimizers.parse(Specs.of("soap", "beta2", 1.0, "shampooBeta", -0.1, "eps", 0,
                "preconditionFrequency", -3, "stateDtype", "int8")))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("beta2 must be in [0, 1) but was 1.0")
                .hasMessageContaining("shampooBeta must be in [0, 1) but was -0.1")
                .hasMessageContaining("eps must be > 0 but was 0")
                .hasMessageContaining("preconditionFrequency must be > 0 but was -3")
                .hasMessageContaining("stateDtype must be one of float32, float64, bfloat16, float16 but was 'int8'");
    }
}
