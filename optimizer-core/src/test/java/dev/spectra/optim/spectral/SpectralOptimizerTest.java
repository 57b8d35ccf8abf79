package dev.spectra.optim.spectral;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.spectra.optim.FactorDiagnostics;
import dev.spectra.optim.Optimizer;
import dev.spectra.optim.OptimizerConfig;
import dev.spectra.optim.Optimizers;
import dev.spectra.optim.StateDtype;
import dev.spectra.optim.config.InvalidConfigException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The kron-spectral and full-spectral optimizers end to end: configs, resume, diagnostics, bf16, a quadratic. */
class SpectralOptimizerTest {

    private static OptimizerConfig config(String type, Object... kv) {
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("type", type);
        for (int i = 0; i < kv.length; i += 2) {
            spec.put((String) kv[i], kv[i + 1]);
        }
        return Optimizers.parse(spec);
    }

    /** A dense weight as DL4J lays it out ('f', [nIn, nOut]), a bias row and a conv kernel. */
    private static Map<String, INDArray> params() {
        Nd4j.getRandom().setSeed(3);
        Map<String, INDArray> p = new LinkedHashMap<>();
        p.put("0_W", Nd4j.randn(DataType.FLOAT, 12, 7).dup('f'));
        p.put("0_b", Nd4j.randn(DataType.FLOAT, 1, 7));
        p.put("1_W", Nd4j.randn(DataType.FLOAT, 4, 3, 2, 2));
        return p;
    }

    private static List<Map<String, INDArray>> gradients(Map<String, INDArray> params, int steps) {
        Nd4j.getRandom().setSeed(9);
        List<Map<String, INDArray>> out = new ArrayList<>();
        for (int t = 0; t < steps; t++) {
            Map<String, INDArray> g = new HashMap<>();
            params.forEach((k, v) -> g.put(k, Nd4j.randn(DataType.FLOAT, v.shape()).muli(1e-3)));
            out.add(g);
        }
        return out;
    }

    private static Map<String, INDArray> copy(Map<String, INDArray> p) {
        Map<String, INDArray> c = new LinkedHashMap<>();
        p.forEach((k, v) -> c.put(k, v.dup(v.ordering())));
        return c;
    }

    @Test
    void badConfigsAreRejectedNamingFieldAndValue() {
        assertThatThrownBy(() -> config("kron-spectral", "lr", -0.1, "root", 0, "beta2", 1.5, "gamma", 0.5 + 1,
                "damping", -1, "curvatureInterval", 0, "momentum", 1.0, "weightDecay", -0.01, "gapTolerance", -1,
                "maxFactorSize", 0, "stepBound", 0))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("lr").hasMessageContaining("-0.1")
                .hasMessageContaining("root").hasMessageContaining("beta2").hasMessageContaining("1.5")
                .hasMessageContaining("gamma").hasMessageContaining("damping").hasMessageContaining("curvatureInterval")
                .hasMessageContaining("momentum").hasMessageContaining("weightDecay")
                .hasMessageContaining("gapTolerance").hasMessageContaining("maxFactorSize")
                .hasMessageContaining("stepBound");
        assertThatThrownBy(() -> config("full-spectral", "retraction", "qr"))
                .hasMessageContaining("retraction").hasMessageContaining("cayley, matmul-only, auto");
        assertThatThrownBy(() -> config("kron-spectral", "stateDtype", "int8"))
                .hasMessageContaining("stateDtype").hasMessageContaining("int8");
        assertThatThrownBy(() -> config("kron-spectral", "retraction", "cayley", "stateDtype", "bf16"))
                .hasMessageContaining("retraction").hasMessageContaining("matmul-only");
        assertThatThrownBy(() -> KronSpectralConfig.defaults().withLr(Double.NaN))
                .hasMessageContaining("lr");
    }

    @Test
    void bothTypesAreRegisteredAndTheirSpecsRoundTrip() {
        assertThat(Optimizers.types()).contains("kron-spectral", "full-spectral");
        OptimizerConfig k = config("kron-spectral", "root", 3.5, "retraction", "matmul-only", "stateDtype", "bf16");
        assertThat(k).isInstanceOf(KronSpectralConfig.class);
        assertThat(Optimizers.parse(k.toSpec())).isEqualTo(k);
        assertThat(((KronSpectralConfig) k).settings().retraction()).isEqualTo(Retraction.MATMUL_ONLY);
        assertThat(KronSpectralConfig.defaults().settings().retraction()).isEqualTo(Retraction.CAYLEY);
        assertThat(KronSpectralConfig.defaults().withStateDtype(StateDtype.FLOAT16).settings().retraction())
                .isEqualTo(Retraction.MATMUL_ONLY);
        OptimizerConfig f = config("full-spectral", "gamma", 0.0);
        assertThat(Optimizers.parse(f.toSpec())).isEqualTo(f);
    }

    @Test
    void exportImportContinuesBitIdentically() {
        for (String type : new String[] {"kron-spectral", "full-spectral"}) {
            // damping 0: the root factorizes, so fp32 steps between updates run on the cached roots,
            // which must be rebuilt after the import exactly as they were in the uninterrupted run.
            for (double damping : new double[] {1e-12, 0.0}) {
                for (StateDtype dtype : new StateDtype[] {StateDtype.FLOAT32, StateDtype.BFLOAT16, StateDtype.FLOAT16}) {
                    OptimizerConfig cfg = config(type, "lr", 0.01, "stateDtype", dtype.specName(), "weightDecay", 0.01,
                            "curvatureInterval", 3, "damping", damping);
                    Map<String, INDArray> straight = params();
                    Map<String, INDArray> resumedParams = copy(straight);
                    List<Map<String, INDArray>> grads = gradients(straight, 20);
                    Optimizer a = cfg.create();
                    Optimizer b = cfg.create();
                    for (int t = 0; t < 7; t++) { // 7: the resume lands between curvature updates (T = 3)
                        a.step(straight, grads.get(t));
                        b.step(resumedParams, grads.get(t));
                    }
                    Optimizer resumed = cfg.create();
                    resumed.importState(b.exportState());
                    assertThat(resumed.stepCount()).isEqualTo(7);
                    for (int t = 7; t < 20; t++) {
                        a.step(straight, grads.get(t));
                        resumed.step(resumedParams, grads.get(t));
                    }
                    for (String name : straight.keySet()) {
                        assertThat(resumedParams.get(name).dup('c').data().asFloat())
                                .as("%s %s %s damping %s", type, dtype, name, damping)
                                .containsExactly(straight.get(name).dup('c').data().asFloat());
                    }
                    assertThat(resumed.diagnostics()).isEqualTo(a.diagnostics());
                }
            }
        }
    }

    @Test
    void convKernelsArePreconditionedAsTheirOutByInKhKwMatrix() {
        Optimizer conv = config("kron-spectral", "lr", 0.1).create();
        Optimizer dense = config("kron-spectral", "lr", 0.1).create();
        Nd4j.getRandom().setSeed(12);
        INDArray kernel = Nd4j.randn(DataType.FLOAT, 4, 3, 2, 2);
        INDArray matrix = kernel.dup().reshape('c', 4, 12).dup('c');
        INDArray initial = matrix.dup();
        for (int t = 0; t < 6; t++) {
            INDArray g = Nd4j.randn(DataType.FLOAT, 4, 3, 2, 2);
            conv.step(Map.of("k", kernel), Map.of("k", g));
            dense.step(Map.of("k", matrix), Map.of("k", g.dup().reshape('c', 4, 12)));
        }
        assertThat(kernel.dup('c').data().asFloat()).containsExactly(matrix.dup('c').data().asFloat());
        assertThat(matrix.sub(initial).norm2Number().doubleValue()).as("the steps moved the weights").isGreaterThan(0.1);
        assertThat(conv.diagnostics()).extracting(FactorDiagnostics::factor, FactorDiagnostics::size)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("C", 4L), org.assertj.core.groups.Tuple.tuple("K", 12L));
        assertThat(conv.diagnostics().get(1).orthogonalityError()).isLessThan(1e-5);
    }

    @Test
    void stateOfAnotherShapeOrOptimizerIsRejectedClearly() {
        Optimizer kron = config("kron-spectral").create();
        kron.step(Map.of("w", Nd4j.zeros(DataType.FLOAT, 4, 5)), Map.of("w", Nd4j.randn(DataType.FLOAT, 4, 5)));
        byte[] saved = kron.exportState();
        Optimizer other = config("kron-spectral").create();
        other.importState(saved);
        assertThatThrownBy(() -> other.step(Map.of("w", Nd4j.zeros(DataType.FLOAT, 5, 4)),
                Map.of("w", Nd4j.randn(DataType.FLOAT, 5, 4))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'w'").hasMessageContaining("4x5").hasMessageContaining("matrix 5x4");
        assertThatThrownBy(() -> config("full-spectral").create().importState(saved))
                .hasMessageContaining("saved by 'kron-spectral' and cannot be loaded into 'full-spectral'");
    }

    @Test
    void diagnosticsDescribeEveryFactor() {
        OptimizerConfig cfg = config("kron-spectral", "maxFactorSize", 10, "curvatureInterval", 2);
        Optimizer opt = cfg.create();
        Map<String, INDArray> p = params();
        List<Map<String, INDArray>> grads = gradients(p, 4);
        for (Map<String, INDArray> g : grads) {
            opt.step(p, g);
        }
        Map<String, FactorDiagnostics> byKey = new HashMap<>();
        for (FactorDiagnostics d : opt.diagnostics()) {
            byKey.put(d.parameter() + ":" + d.factor(), d);
            assertThat(d.minEigenvalue()).isPositive().isLessThanOrEqualTo(d.maxEigenvalue());
            assertThat(d.orthogonalityError()).isLessThan(1e-5);
            assertThat(d.lastUpdateStep()).as("T = 2: updates at steps 1 and 3").isEqualTo(3);
            assertThat(d.scale()).isPositive();
        }
        // 0_W is 12x7 with maxFactorSize 10: the 12-side falls back to diagonal; the conv kernel is 4 x 12.
        assertThat(byKey.keySet()).containsExactlyInAnyOrder("0_W:C-diag", "0_W:K", "0_b:diag", "1_W:C", "1_W:K-diag");
        assertThat(byKey.get("0_W:K").size()).isEqualTo(7);
        assertThat(byKey.get("1_W:K-diag").size()).isEqualTo(12);
        // alpha starts at mean(g^2) ~ 1e-6 for these gradients and tracks it.
        assertThat(byKey.get("0_W:K").scale()).isBetween(5e-7, 2e-6);
        assertThat(opt.stateBytes()).isEqualTo(4L * (12 + 7 * 7 + 7 + 1 + 7 + 4 * 4 + 4 + 12 + 1) + 4L * (84 + 7 + 48));
    }

    /**
     * The same gradient stream through fp32 and bf16/fp16 state (lr 1, no momentum, so the
     * parameter change is the preconditioned direction): low precision stays finite and within a
     * few percent. Measured: about 2% worst-case after step 100 for both.
     */
    @Test
    void lowPrecisionStateStaysFiniteAndCloseToFp32() {
        for (String dtype : new String[] {"bf16", "fp16"}) {
            int n = 48;
            int m = 32;
            Nd4j.getRandom().setSeed(31);
            INDArray lc = SpectralTestData.covarianceRoot(n, 0.1, 10).castTo(DataType.FLOAT);
            INDArray lk = SpectralTestData.covarianceRoot(m, 0.1, 10).castTo(DataType.FLOAT);
            Optimizer fp32 = config("kron-spectral", "lr", 1.0, "momentum", 0.0).create();
            Optimizer low = config("kron-spectral", "lr", 1.0, "momentum", 0.0, "stateDtype", dtype).create();
            INDArray w32 = Nd4j.zeros(DataType.FLOAT, n, m);
            INDArray wLow = Nd4j.zeros(DataType.FLOAT, n, m);
            double worstLate = 0;
            for (int t = 1; t <= 500; t++) {
                INDArray g = lc.mmul(Nd4j.randn(DataType.FLOAT, n, m)).mmul(lk.transpose()).muli(1e-2);
                w32.assign(0);
                wLow.assign(0);
                fp32.step(Map.of("w", w32), Map.of("w", g));
                low.step(Map.of("w", wLow), Map.of("w", g));
                assertThat(wLow.isInfinite().any() || wLow.isNaN().any()).as("%s non-finite at step %d", dtype, t)
                        .isFalse();
                double rel = wLow.sub(w32).norm2Number().doubleValue() / w32.norm2Number().doubleValue();
                if (t > 100) {
                    worstLate = Math.max(worstLate, rel);
                }
            }
            FactorDiagnostics c = low.diagnostics().get(0);
            System.out.printf("%s vs fp32 direction: worst relative difference over steps 101-500 %.4f;"
                    + " stored ||B_C^T B_C - I|| %.2e%n", dtype, worstLate, c.orthogonalityError());
            assertThat(worstLate).as("%s vs fp32 direction, relative", dtype).isLessThan(0.05);
            assertThat(c.orthogonalityError()).as("%s-stored basis", dtype).isLessThan(0.05);
        }
    }

    /**
     * min ||A X - Y||^2 / (2r) with A (r x n) of condition number 1e3: the Hessian is
     * {@code (A^T A / r) kron I}, the Kronecker structure the preconditioner learns. Both
     * optimizers get their best learning rate from the same grid.
     */
    @Test
    void kronSpectralMinimizesAnIllConditionedLeastSquaresProblemFarFasterThanSgd() {
        int r = 64;
        int n = 16;
        int m = 8;
        Nd4j.getRandom().setSeed(41);
        INDArray u = SpectralTestData.orthogonal(r).get(org.nd4j.linalg.indexing.NDArrayIndex.all(),
                org.nd4j.linalg.indexing.NDArrayIndex.interval(0, n));
        double[] sv = new double[n];
        for (int i = 0; i < n; i++) {
            sv[i] = Math.sqrt(r) * Math.pow(1e3, -0.5 * i / (n - 1.0)); // Hessian eigenvalues 1 .. 1e-3
        }
        INDArray a = u.mulRowVector(Nd4j.createFromArray(sv)).mmul(SpectralTestData.orthogonal(n)).castTo(DataType.FLOAT);
        INDArray y = Nd4j.randn(DataType.FLOAT, r, m);
        double[] grid = {1.0, 0.3, 0.1, 0.03, 0.01, 0.003, 0.001};
        int steps = 300;
        double bestSgd = Double.MAX_VALUE;
        double bestKron = Double.MAX_VALUE;
        for (double lr : grid) {
            bestSgd = Math.min(bestSgd, run(a, y, n, m, steps, lr, null));
            // beta2 pinned to 0.01 (the default before tuning on Fashion-MNIST): with the default 0.03 the
            // curvature follows the shrinking gradient faster and the excess was 1.3e-3 after 300 steps
            // (measured; still 70x below sgd's), so this 1e-4 bar tests the slower, steadier setting.
            bestKron = Math.min(bestKron, run(a, y, n, m, steps, lr,
                    config("kron-spectral", "lr", lr, "beta2", 0.01).create()));
        }
        double optimum = lossAt(a, y, solveLeastSquares(a, y));
        double sgdExcess = bestSgd - optimum;
        double kronExcess = bestKron - optimum;
        System.out.printf("least squares after %d steps (best lr each): excess loss sgd %.3e, kron-spectral %.3e"
                + " (optimum %.4f)%n", steps, sgdExcess, kronExcess, optimum);
        // Measured: sgd 9.4e-2, kron-spectral at the optimum to fp32 round-off.
        assertThat(sgdExcess).as("sgd excess loss").isGreaterThan(1e-2);
        assertThat(kronExcess).as("kron-spectral excess loss, vs 1e-4 x sgd's").isLessThan(1e-4 * sgdExcess);
    }

    private static double run(INDArray a, INDArray y, int n, int m, int steps, double lr, Optimizer opt) {
        INDArray x = Nd4j.zeros(DataType.FLOAT, n, m);
        double loss = Double.MAX_VALUE;
        for (int t = 0; t < steps; t++) {
            INDArray residual = a.mmul(x).subi(y);
            INDArray g = a.transpose().mmul(residual).divi(a.rows());
            if (opt == null) {
                x.subi(g.mul(lr));
            } else {
                opt.step(Map.of("x", x), Map.of("x", g));
            }
            loss = lossAt(a, y, x);
            if (!Double.isFinite(loss)) {
                return Double.MAX_VALUE;
            }
        }
        return loss;
    }

    private static double lossAt(INDArray a, INDArray y, INDArray x) {
        double norm = a.mmul(x).subi(y).norm2Number().doubleValue();
        return norm * norm / (2 * a.rows());
    }

    private static INDArray solveLeastSquares(INDArray a, INDArray y) {
        INDArray ad = a.castTo(DataType.DOUBLE);
        INDArray normal = ad.transpose().mmul(ad).dup('f');
        INDArray rhs = ad.transpose().mmul(y.castTo(DataType.DOUBLE)).dup('f');
        dev.spectra.optim.linalg.DenseLinearAlgebra.solveInPlace(normal, rhs);
        return rhs.castTo(DataType.FLOAT);
    }
}
