package dev.spectra.optim.muon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.spectra.optim.Optimizer;
import dev.spectra.optim.Optimizers;
import dev.spectra.optim.StateDtype;
import dev.spectra.optim.config.InvalidConfigException;
import dev.spectra.optim.testing.Dense;
import dev.spectra.optim.testing.ResumeCheck;
import dev.spectra.optim.testing.Specs;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

class MuonTest {

    /** Singular triplets of g (n x m) from a Jacobi eigendecomposition of g^T g. */
    record Svd(double[][] u, double[] s, double[][] v) {
        static Svd of(double[][] g) {
            Dense.Eigen e = Dense.symmetricEigen(Dense.mul(Dense.t(g), g));
            int m = g[0].length;
            double[] s = new double[m];
            double[][] gv = Dense.mul(g, e.vectors());
            double[][] u = new double[g.length][m];
            for (int j = 0; j < m; j++) {
                s[j] = Math.sqrt(Math.max(e.values()[j], 0));
                for (int i = 0; i < g.length; i++) {
                    u[i][j] = gv[i][j] / s[j];
                }
            }
            return new Svd(u, s, e.vectors());
        }

        double[][] compose(java.util.function.DoubleUnaryOperator f) {
            double[][] r = new double[u.length][v.length];
            for (int k = 0; k < s.length; k++) {
                double fk = f.applyAsDouble(s[k]);
                for (int i = 0; i < u.length; i++) {
                    for (int j = 0; j < v.length; j++) {
                        r[i][j] += u[i][k] * fk * v[j][k];
                    }
                }
            }
            return r;
        }
    }

    /** What the Newton-Schulz iteration does to each singular value, computed on scalars. */
    static double[][] newtonSchulzReference(double[][] g, int steps, NewtonSchulzCoefficients c) {
        double norm = Dense.frobenius(g) + 1e-7;
        return Svd.of(g).compose(sigma -> {
            double x = sigma / norm;
            for (int i = 0; i < steps; i++) {
                x = c.a() * x + c.b() * x * x * x + c.c() * x * x * x * x * x;
            }
            return x;
        });
    }

    /** The matrix is transposed so rows are the smaller side when needed: for the SVD reference either works. */
    private static double[][] transposeIfWide(double[][] g) {
        return g.length >= g[0].length ? g : Dense.t(g);
    }

    private static double[][] ns(double[][] g, int steps, NewtonSchulzCoefficients c) {
        boolean wide = g.length < g[0].length;
        double[][] r = newtonSchulzReference(transposeIfWide(g), steps, c);
        return wide ? Dense.t(r) : r;
    }

    @Test
    void nesterovMomentumThenNewtonSchulzMatchesTheSingularValueReference() {
        double lr = 0.1;
        double beta = 0.95;
        Optimizer opt = Optimizers.create(Specs.of("muon", "lr", lr, "stateDtype", "float64", "adamLr", 0.003));
        Random rnd = new Random(8);
        // dense [nIn=6, nOut=4], dense [3, 7], conv [8, 1, 2, 1] seen as 8 x 2, bias [1, 5]
        long[][] shapes = {{6, 4}, {3, 7}, {8, 1, 2, 1}, {1, 5}};
        double[] scales = {1.0, Math.sqrt(7.0 / 3.0), 2.0, 0};
        int[][] dims = {{6, 4}, {3, 7}, {8, 2}, {1, 5}};
        Map<String, INDArray> params = new LinkedHashMap<>();
        double[][][] expected = new double[4][][];
        double[][][] momentum = new double[4][][];
        for (int p = 0; p < 4; p++) {
            double[][] w0 = Dense.gaussian(dims[p][0], dims[p][1], rnd);
            expected[p] = w0;
            momentum[p] = Dense.zeros(dims[p][0], dims[p][1]);
            INDArray w = Dense.toNd4j(w0, DataType.DOUBLE).reshape('c', shapes[p]);
            params.put("p" + p, p < 2 ? w.dup('f') : w.dup('c'));
        }
        double[] am = new double[5];
        double[] av = new double[5];
        for (int t = 1; t <= 4; t++) {
            Map<String, INDArray> grads = new LinkedHashMap<>();
            for (int p = 0; p < 4; p++) {
                double[][] g = Dense.gaussian(dims[p][0], dims[p][1], rnd);
                grads.put("p" + p, Dense.toNd4j(g, DataType.DOUBLE).reshape('c', shapes[p]));
                if (p < 3) {
                    momentum[p] = Dense.add(momentum[p], beta, g, 1 - beta);
                    double[][] u = Dense.add(g, 1 - beta, momentum[p], beta);
                    double[][] o = ns(u, 5, NewtonSchulzCoefficients.MUON);
                    expected[p] = Dense.add(expected[p], 1, o, -lr * scales[p]);
                } else {
                    for (int i = 0; i < 5; i++) {
                        am[i] = 0.9 * am[i] + 0.1 * g[0][i];
                        av[i] = 0.95 * av[i] + 0.05 * g[0][i] * g[0][i];
                        double mh = am[i] / (1 - Math.pow(0.9, t));
                        double vh = av[i] / (1 - Math.pow(0.95, t));
                        expected[p][0][i] -= 0.003 * mh / (Math.sqrt(vh) + 1e-10);
                    }
                }
            }
            opt.step(params, grads);
        }
        for (int p = 0; p < 4; p++) {
            INDArray got = params.get("p" + p).dup('c').reshape(dims[p][0], dims[p][1]);
            assertThat(Dense.maxAbsDiff(Dense.fromNd4j(got), expected[p])).as("parameter p%d", p).isLessThan(1e-10);
        }
    }

    @Test
    void outputIsCloseToThePolarFactorOfItsInput() {
        Random rnd = new Random(3);
        double[][] g = Dense.gaussian(20, 12, rnd);
        Svd svd = Svd.of(g);
        double[][] polar = svd.compose(s -> 1.0);
        for (String dtype : new String[] {"float64", "float32"}) {
            double tolerance = dtype.equals("float64") ? 1e-12 : 2e-5;
            // Muon's coefficients: singular values land in a band around 1, not on it.
            INDArray w = Dense.toNd4j(Dense.zeros(20, 12), DataType.DOUBLE).castTo(
                    dtype.equals("float64") ? DataType.DOUBLE : DataType.FLOAT);
            Optimizers.create(Specs.of("muon", "lr", 1.0, "momentum", 0.0, "shapeScale", "none", "stateDtype", dtype))
                    .step(Map.of("w", w), Map.of("w", Dense.toNd4j(g, w.dataType())));
            double[][] o = Dense.scale(Dense.fromNd4j(w), -1);
            assertThat(Dense.maxAbsDiff(o, ns(g, 5, NewtonSchulzCoefficients.MUON))).as("muon NS5, %s", dtype)
                    .isLessThan(tolerance);
            double[][] projected = Dense.mul(Dense.mul(Dense.t(svd.u()), o), svd.v());
            for (int i = 0; i < 12; i++) {
                for (int j = 0; j < 12; j++) {
                    if (i == j) {
                        assertThat(projected[i][i]).as("singular value %d, %s", i, dtype).isBetween(0.6, 1.25);
                    } else {
                        assertThat(Math.abs(projected[i][j])).as("off-diagonal, %s", dtype).isLessThan(1e-4);
                    }
                }
            }
            double relative = Dense.frobenius(Dense.add(o, 1, polar, -1)) / Dense.frobenius(polar);
            assertThat(relative).as("distance to U V^T, %s", dtype).isLessThan(0.35);

            // The convergent coefficients with enough steps land on the polar factor itself.
            INDArray w2 = w.like().assign(0);
            Optimizers.create(Specs.of("muon", "lr", 1.0, "momentum", 0.0, "shapeScale", "none", "stateDtype", dtype,
                            "nsCoefficients", "convergent", "nsSteps", 14))
                    .step(Map.of("w", w2), Map.of("w", Dense.toNd4j(g, w.dataType())));
            double[][] o2 = Dense.scale(Dense.fromNd4j(w2), -1);
            assertThat(Dense.maxAbsDiff(o2, polar)).as("convergent NS14, %s", dtype)
                    .isLessThan(dtype.equals("float64") ? 1e-9 : 1e-5);
        }
    }

    @Test
    void shapeScaleReadsFansByDl4jLayout() {
        var dense = dev.spectra.optim.TensorLayout.of(new long[] {3, 12});  // nIn 3, nOut 12
        var conv = dev.spectra.optim.TensorLayout.of(new long[] {12, 3, 1, 1}); // out 12, in 3
        assertThat(ShapeScale.SPECTRAL.factor(dense)).isEqualTo(2.0);
        assertThat(ShapeScale.SPECTRAL.factor(dev.spectra.optim.TensorLayout.of(new long[] {12, 3}))).isEqualTo(1.0);
        assertThat(ShapeScale.SPECTRAL.factor(conv)).isEqualTo(2.0);
        assertThat(ShapeScale.RMS_MATCH.factor(dense)).isCloseTo(0.2 * Math.sqrt(12), org.assertj.core.api.Assertions.within(1e-15));
        assertThat(ShapeScale.NONE.factor(conv)).isEqualTo(1.0);
    }

    @Test
    void exportImportContinuesBitIdenticallyInEveryPrecision() {
        for (StateDtype dtype : StateDtype.values()) {
            ResumeCheck.assertBitExactResume(Optimizers.parse(Specs.of("muon", "weightDecay", 0.01, "adamWeightDecay", 0.01,
                    "stateDtype", dtype.specName())), 5, 5);
        }
    }

    @Test
    void invalidConfigNamesEveryBadFieldAndValue() {
        assertThatThrownBy(() -> Optimizers.parse(Specs.of("muon", "momentum", 1.0, "nsSteps", 0, "shapeScale", "huge",
                "adamLr", -1, "bogus", 3)))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("momentum must be in [0, 1) but was 1.0")
                .hasMessageContaining("nsSteps must be > 0 but was 0")
                .hasMessageContaining("shapeScale must be one of spectral, rms-match, none but was 'huge'")
                .hasMessageContaining("adamLr must be > 0 but was -1")
                .hasMessageContaining("bogus is not a field of muon");
    }
}
