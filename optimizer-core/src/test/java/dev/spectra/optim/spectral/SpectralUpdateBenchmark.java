package dev.spectra.optim.spectral;

import dev.spectra.optim.StateDtype;
import dev.spectra.optim.linalg.DenseLinearAlgebra;
import dev.spectra.optim.state.ScratchArrays;
import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Timing harness (not a test): one Kronecker curvature update and one preconditioning for square
 * n x n layers, against a Shampoo-style refresh (syevd of both factors, plus forming the two
 * inverse roots). Run with one BLAS thread, see optimizer-core/README.md:
 *
 * <pre>
 * OMP_NUM_THREADS=1 java -cp optimizer-core/target/test-classes:optimizer-core/target/classes:$(cat cp.txt) \
 *     dev.spectra.optim.spectral.SpectralUpdateBenchmark [sizes...]
 * </pre>
 *
 * Variants are interleaved round by round, so a loaded machine slows all of them alike.
 */
public final class SpectralUpdateBenchmark {

    private SpectralUpdateBenchmark() {
    }

    public static void main(String[] args) {
        int[] sizes = args.length == 0 ? new int[] {256, 512, 1024}
                : Arrays.stream(args).mapToInt(Integer::parseInt).toArray();
        System.out.println("OMP_NUM_THREADS=" + System.getenv("OMP_NUM_THREADS")
                + "; ms, medians over interleaved rounds (each round times every variant once, so"
                + " machine load hits all of them alike); ratios are medians of per-round ratios");
        System.out.println("   n | precond | update cayley | update matmul | syevd x2 | syevd x2+roots |"
                + " syevd/cayley | refresh/cayley | syevd/matmul | precond p=3.5");
        for (int n : sizes) {
            int rounds = n >= 1024 ? 7 : 11;
            Nd4j.getRandom().setSeed(n);
            INDArray g = Nd4j.randn(DataType.FLOAT, n, n);
            Variant cayley = new Variant(n, g, Retraction.CAYLEY, 2.0);
            Variant matmul = new Variant(n, g, Retraction.MATMUL_ONLY, 2.0);
            Variant root35 = new Variant(n, g, Retraction.CAYLEY, 3.5);
            ShampooRefresh shampoo = new ShampooRefresh(n);
            double[][] t = new double[9][rounds];
            for (int r = -2; r < rounds; r++) { // two warm-up rounds
                double pc = cayley.precondition();
                double uc = cayley.update() - pc;
                double pm = matmul.precondition();
                double um = matmul.update() - pm;
                double p35 = root35.precondition();
                double eig = shampoo.eigen();
                double refresh = shampoo.refresh();
                if (r >= 0) {
                    double[] row = {pc, uc, um, eig, refresh, eig / uc, refresh / uc, eig / um, p35};
                    for (int c = 0; c < row.length; c++) {
                        t[c][r] = row[c];
                    }
                }
            }
            double[] med = new double[t.length];
            for (int c = 0; c < t.length; c++) {
                Arrays.sort(t[c]);
                med[c] = t[c][rounds / 2];
            }
            System.out.printf("%4d | %7.1f | %13.1f | %13.1f | %8.1f | %14.1f | %12.2f | %14.2f | %12.2f | %8.1f%n",
                    n, med[0], med[1], med[2], med[3], med[4], med[5], med[6], med[7], med[8]);
        }
    }

    private static double millis(Runnable r) {
        long s = System.nanoTime();
        r.run();
        return (System.nanoTime() - s) / 1e6;
    }

    /** One n x n Kronecker state: time a preconditioning step, and a step that also learns curvature. */
    private static final class Variant {
        private final KroneckerSpectral k;
        private final INDArray g;
        private final INDArray work;
        private final ScratchArrays scratch = new ScratchArrays();
        private long step;

        Variant(int n, INDArray g, Retraction retraction, double root) {
            SpectralSettings s = new SpectralSettings(0.01, 1.0, root, 1e-12, 1, 1e-6, 0.3, retraction, 4096,
                    StateDtype.FLOAT32);
            this.g = g;
            this.k = KroneckerSpectral.initial(n, n, g, s);
            this.work = Nd4j.createUninitialized(DataType.FLOAT, new long[] {n, n}, 'c');
            for (int i = 0; i < 3; i++) { // leave the identity first
                update();
            }
        }

        double precondition() {
            return run(false);
        }

        double update() {
            return run(true);
        }

        private double run(boolean learn) {
            work.assign(g);
            double ms = millis(() -> k.step(work, ++step, learn, scratch));
            scratch.releaseAll();
            return ms;
        }
    }

    /** Shampoo's preconditioner refresh for an n x n layer: syevd of both factors, then the two roots. */
    private static final class ShampooRefresh {
        private final int n;
        private final INDArray spd;
        private final INDArray work;
        private final INDArray values;
        private final INDArray root;

        ShampooRefresh(int n) {
            this.n = n;
            INDArray x = Nd4j.randn(DataType.FLOAT, n, n);
            this.spd = Nd4j.gemm(x, x, true, false).addi(Nd4j.eye(n).castTo(DataType.FLOAT)).dup('f');
            this.work = Nd4j.createUninitialized(DataType.FLOAT, new long[] {n, n}, 'f');
            this.values = Nd4j.create(DataType.FLOAT, n);
            this.root = Nd4j.createUninitialized(DataType.FLOAT, new long[] {n, n}, 'f');
        }

        double eigen() {
            return millis(() -> {
                for (int side = 0; side < 2; side++) {
                    work.assign(spd);
                    DenseLinearAlgebra.symmetricEigen(work, values);
                }
            });
        }

        double refresh() {
            return millis(() -> {
                for (int side = 0; side < 2; side++) {
                    work.assign(spd);
                    DenseLinearAlgebra.symmetricEigen(work, values);
                    INDArray scale = values.dup();
                    for (int i = 0; i < n; i++) {
                        scale.putScalar(i, Math.pow(Math.max(scale.getFloat(i), 1e-12f), -0.125));
                    }
                    work.muliRowVector(scale);
                    // Shampoo's root V diag(l^-1/4) V^T = (V diag(l^-1/8)) (V diag(l^-1/8))^T: one syrk.
                    DenseLinearAlgebra.symmetricProductLower(work, false, 1.0, 0.0, root);
                }
            });
        }
    }
}
