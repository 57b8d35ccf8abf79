package dev.spectra.optim.shampoo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.spectra.optim.FactorDiagnostics;
import dev.spectra.optim.Optimizer;
import dev.spectra.optim.Optimizers;
import dev.spectra.optim.StateDtype;
import dev.spectra.optim.config.InvalidConfigException;
import dev.spectra.optim.testing.Dense;
import dev.spectra.optim.testing.ResumeCheck;
import dev.spectra.optim.testing.Specs;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

class ShampooTest {

    /**
     * Shampoo on one gradient matrix, written out with plain fp64 matrices and Jacobi
     * eigendecompositions: the reference for every element. A diagonal side keeps only the
     * diagonal of its statistic.
     */
    static final class Reference {
        final double beta2;
        final double eps;
        final double leftExponent;
        final double rightExponent;
        final int frequency;
        final boolean diagLeft;
        final boolean diagRight;
        final boolean vector;
        double[][] l;
        double[][] r;
        double[][] lRoot;
        double[][] rRoot;
        int t;

        Reference(int rows, int cols, double beta2, double eps, double p, int frequency,
                  boolean diagLeft, boolean diagRight, boolean vector) {
            this.beta2 = beta2;
            this.eps = eps;
            this.leftExponent = vector ? 2 / p : 1 / p;
            this.rightExponent = 1 / p;
            this.frequency = frequency;
            this.diagLeft = diagLeft;
            this.diagRight = diagRight;
            this.vector = vector;
            l = Dense.zeros(rows, rows);
            r = Dense.zeros(cols, cols);
        }

        private static double[][] keepDiagonal(double[][] a, boolean diag) {
            if (!diag) {
                return a;
            }
            double[][] d = Dense.zeros(a.length, a.length);
            for (int i = 0; i < a.length; i++) {
                d[i][i] = a[i][i];
            }
            return d;
        }

        double[][] direction(double[][] g) {
            t++;
            l = Dense.add(l, beta2, keepDiagonal(Dense.mul(g, Dense.t(g)), diagLeft), 1 - beta2);
            r = Dense.add(r, beta2, keepDiagonal(Dense.mul(Dense.t(g), g), diagRight), 1 - beta2);
            if ((t - 1) % frequency == 0) {
                double bc = 1 - Math.pow(beta2, t);
                lRoot = Dense.apply(Dense.scale(l, 1 / bc), x -> Math.pow(Math.max(x, 0) + eps, -leftExponent));
                rRoot = Dense.apply(Dense.scale(r, 1 / bc), x -> Math.pow(Math.max(x, 0) + eps, -rightExponent));
            }
            double[][] p = Dense.mul(lRoot, g);
            return vector ? p : Dense.mul(p, rRoot);
        }
    }

    private static double[][] column(INDArray row) {
        double[][] c = new double[(int) row.length()][1];
        for (int i = 0; i < c.length; i++) {
            c[i][0] = row.getDouble(i);
        }
        return c;
    }

    @Test
    void preconditionedDirectionEqualsInverseRootsFromAnEigendecomposition() {
        for (int frequency : new int[] {1, 3}) {
            for (double p : new double[] {4, 2.5}) {
                Optimizer opt = Optimizers.create(Specs.of("shampoo", "lr", 0.1, "beta1", 0.0, "beta2", 0.9, "epsilon", 1e-3,
                        "rootExponent", p, "preconditionFrequency", frequency, "grafting", "none",
                        "maxFactorSize", 5, "stateDtype", "float64"));
                Random rnd = new Random(5);
                // 0_W: 5 x 3, both sides dense; 1_W: 7 x 4, rows longer than maxFactorSize -> diagonal.
                INDArray w0 = Dense.toNd4j(Dense.gaussian(5, 3, rnd), DataType.DOUBLE).dup('f');
                INDArray w1 = Dense.toNd4j(Dense.gaussian(7, 4, rnd), DataType.DOUBLE).dup('f');
                INDArray b = Dense.toNd4j(Dense.gaussian(1, 4, rnd), DataType.DOUBLE);
                double[][] e0 = Dense.fromNd4j(w0);
                double[][] e1 = Dense.fromNd4j(w1);
                double[][] eb = column(b);
                Reference r0 = new Reference(5, 3, 0.9, 1e-3, p, frequency, false, false, false);
                Reference r1 = new Reference(7, 4, 0.9, 1e-3, p, frequency, true, false, false);
                Reference rb = new Reference(4, 1, 0.9, 1e-3, p, frequency, true, true, true);
                for (int step = 0; step < 7; step++) {
                    double[][] g0 = Dense.gaussian(5, 3, rnd);
                    double[][] g1 = Dense.gaussian(7, 4, rnd);
                    double[][] gb = Dense.gaussian(4, 1, rnd);
                    Map<String, INDArray> params = new LinkedHashMap<>();
                    params.put("0_W", w0);
                    params.put("1_W", w1);
                    params.put("1_b", b);
                    opt.step(params, Map.of("0_W", Dense.toNd4j(g0, DataType.DOUBLE),
                            "1_W", Dense.toNd4j(g1, DataType.DOUBLE),
                            "1_b", Dense.toNd4j(Dense.t(gb), DataType.DOUBLE)));
                    e0 = Dense.add(e0, 1, r0.direction(g0), -0.1);
                    e1 = Dense.add(e1, 1, r1.direction(g1), -0.1);
                    eb = Dense.add(eb, 1, rb.direction(gb), -0.1);
                }
                String what = "f=" + frequency + " p=" + p;
                assertThat(Dense.maxAbsDiff(Dense.fromNd4j(w0), e0)).as("dense factors, %s", what).isLessThan(1e-10);
                assertThat(Dense.maxAbsDiff(Dense.fromNd4j(w1), e1)).as("diagonal fallback, %s", what).isLessThan(1e-10);
                assertThat(Dense.maxAbsDiff(column(b), eb)).as("vector, %s", what).isLessThan(1e-10);
            }
        }
    }

    @Test
    void adamGraftingTakesTheDirectionFromShampooAndTheNormFromAdam() {
        double lr = 0.05;
        double beta2 = 0.95;
        Optimizer opt = Optimizers.create(Specs.of("shampoo", "lr", lr, "beta1", 0.0, "beta2", beta2, "epsilon", 1e-4,
                "preconditionFrequency", 2, "grafting", "adam", "graftingBeta2", 0.9, "graftingEps", 1e-8,
                "stateDtype", "float64"));
        Random rnd = new Random(9);
        INDArray w = Dense.toNd4j(Dense.gaussian(4, 6, rnd), DataType.DOUBLE).dup('f');
        Reference shampoo = new Reference(4, 6, beta2, 1e-4, 4, 2, false, false, false);
        double[][] v = Dense.zeros(4, 6);
        for (int t = 1; t <= 5; t++) {
            double[][] before = Dense.fromNd4j(w);
            double[][] g = Dense.gaussian(4, 6, rnd);
            opt.step(Map.of("w", w), Map.of("w", Dense.toNd4j(g, DataType.DOUBLE)));
            double[][] adam = new double[4][6];
            for (int i = 0; i < 4; i++) {
                for (int j = 0; j < 6; j++) {
                    v[i][j] = 0.9 * v[i][j] + 0.1 * g[i][j] * g[i][j];
                    adam[i][j] = g[i][j] / (Math.sqrt(v[i][j] / (1 - Math.pow(0.9, t))) + 1e-8);
                }
            }
            double[][] direction = shampoo.direction(g);
            double[][] expectedStep = Dense.scale(direction, lr * Dense.frobenius(adam) / Dense.frobenius(direction));
            double[][] step = Dense.add(before, 1, Dense.fromNd4j(w), -1);
            assertThat(Dense.maxAbsDiff(step, expectedStep)).as("step %d", t).isLessThan(1e-11);
            assertThat(Dense.frobenius(step)).as("grafted norm, step %d", t)
                    .isCloseTo(lr * Dense.frobenius(adam), org.assertj.core.api.Assertions.within(1e-11));
        }
    }

    @Test
    void exportImportContinuesBitIdenticallyInEveryPrecision() {
        for (StateDtype dtype : StateDtype.values()) {
            ResumeCheck.assertBitExactResume(Optimizers.parse(Specs.of("shampoo", "preconditionFrequency", 3, "weightDecay", 0.01,
                    "maxFactorSize", 5, "stateDtype", dtype.specName())), 7, 6);
        }
    }

    @Test
    void diagnosticsReportEachFactorAndItsLastRootComputation() {
        Optimizer opt = Optimizers.create(Specs.of("shampoo", "preconditionFrequency", 4, "maxFactorSize", 5));
        Map<String, INDArray> params = ResumeCheck.params(3);
        for (int i = 0; i < 6; i++) {
            Map<String, INDArray> g = new LinkedHashMap<>();
            params.forEach((k, p) -> g.put(k, org.nd4j.linalg.factory.Nd4j.randn(DataType.FLOAT, p.shape())));
            opt.step(params, g);
        }
        List<FactorDiagnostics> d = opt.diagnostics();
        // 0_W 6x5: rows 6 > 5 -> diagonal; 0_b vector; 1_W 4x8: rows dense, cols 8 > 5 diagonal.
        assertThat(d).extracting(FactorDiagnostics::parameter, FactorDiagnostics::factor, FactorDiagnostics::size)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("0_W", "L-diag", 6L),
                        org.assertj.core.groups.Tuple.tuple("0_W", "R", 5L),
                        org.assertj.core.groups.Tuple.tuple("0_b", "diag", 5L),
                        org.assertj.core.groups.Tuple.tuple("1_W", "L", 4L),
                        org.assertj.core.groups.Tuple.tuple("1_W", "R-diag", 8L));
        assertThat(d).allSatisfy(f -> {
            assertThat(f.lastUpdateStep()).isEqualTo(5);
            assertThat(f.maxEigenvalue()).isGreaterThan(0);
            assertThat(f.minEigenvalue()).isLessThanOrEqualTo(f.maxEigenvalue());
        });
        // factors: 6 + 25 + 5 + 16 + 8 entries, each statistic and root; grafting v and momentum per param.
        long entries = 30 + 5 + 32;
        assertThat(opt.stateBytes()).isEqualTo(4L * (2 * (6 + 25 + 5 + 16 + 8) + 3 * entries)); // Adam grafting keeps m and v, momentum one buffer
    }

    @Test
    void invalidConfigNamesEveryBadFieldAndValue() {
        assertThatThrownBy(() -> Optimizers.parse(Specs.of("shampoo", "beta2", 1.5, "rootExponent", 0, "grafting", "foo",
                "preconditionFrequency", 0)))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("beta2 must be in (0, 1] but was 1.5")
                .hasMessageContaining("rootExponent must be > 0 but was 0")
                .hasMessageContaining("grafting must be one of none, adam, sgd but was 'foo'")
                .hasMessageContaining("preconditionFrequency must be > 0 but was 0");
    }

    @Test
    void stateOfAnotherModelIsRejectedWithTheParameterName() {
        Optimizer a = Optimizers.create(Specs.of("shampoo"));
        a.step(Map.of("w", org.nd4j.linalg.factory.Nd4j.ones(DataType.FLOAT, 3, 4)),
                Map.of("w", org.nd4j.linalg.factory.Nd4j.ones(DataType.FLOAT, 3, 4)));
        Optimizer b = Optimizers.create(Specs.of("shampoo"));
        b.importState(a.exportState());
        assertThatThrownBy(() -> b.step(Map.of("w", org.nd4j.linalg.factory.Nd4j.ones(DataType.FLOAT, 5, 4)),
                Map.of("w", org.nd4j.linalg.factory.Nd4j.ones(DataType.FLOAT, 5, 4))))
                .hasMessageContaining("'w'");
    }
}
