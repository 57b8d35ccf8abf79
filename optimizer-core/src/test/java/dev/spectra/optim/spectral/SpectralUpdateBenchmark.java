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
 * Each number is the median of several repeats after warm-ups, all measured side by side in one run.
 */
public final class SpectralUpdateBenchmark {

    private SpectralUpdateBenchmark() {
    }

    private static double median(Runnable r, int warmups, int repeats) {
        for (int i = 0; i < warmups; i++) {
            r.run();
        }
        double[] t = new double[repeats];
        for (int i = 0; i < repeats; i++) {
            long s = System.nanoTime();
            r.run();
            t[i] = (System.nanoTime() - s) / 1e6;
        }
        Arrays.sort(t);
        return t[repeats / 2];
    }

    public static void main(String[] args) {
        int[] sizes = args.length == 0 ? new int[] {256, 512, 1024}
                : Arrays.stream(args).mapToInt(Integer::parseInt).toArray();
        System.out.println("OMP_NUM_THREADS=" + System.getenv("OMP_NUM_THREADS") + "; times in ms, medians");
        System.out.println("   n | precond | precond+update | update (cayley) | update (matmul-only) | syevd x2 |"
                + " syevd x2 + roots | ratio syevd/cayley | ratio refresh/cayley | precond p=3.5");
        for (int n : sizes) {
            int repeats = n >= 1024 ? 5 : 9;
            Nd4j.getRandom().setSeed(n);
            INDArray g = Nd4j.randn(DataType.FLOAT, n, n);
            double[] cayley = time(n, g, Retraction.CAYLEY, 2.0, repeats);
            double[] matmul = time(n, g, Retraction.MATMUL_ONLY, 2.0, repeats);
            double[] root35 = time(n, g, Retraction.CAYLEY, 3.5, repeats);

            INDArray x = Nd4j.randn(DataType.FLOAT, n, n);
            INDArray spd = Nd4j.gemm(x, x, true, false).addi(Nd4j.eye(n).castTo(DataType.FLOAT)).dup('f');
            INDArray work = Nd4j.createUninitialized(DataType.FLOAT, new long[] {n, n}, 'f');
            INDArray values = Nd4j.create(DataType.FLOAT, n);
            INDArray root = Nd4j.createUninitialized(DataType.FLOAT, new long[] {n, n}, 'f');
            double syevd = median(() -> {
                for (int side = 0; side < 2; side++) {
                    work.assign(spd);
                    DenseLinearAlgebra.symmetricEigen(work, values);
                }
            }, 1, repeats);
            double refresh = median(() -> {
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
            }, 1, repeats);
            System.out.printf("%4d | %7.1f | %14.1f | %15.1f | %20.1f | %8.1f | %16.1f | %18.2f | %20.2f | %8.1f%n",
                    n, cayley[0], cayley[1], cayley[1] - cayley[0], matmul[1] - matmul[0], syevd, refresh,
                    syevd / (cayley[1] - cayley[0]), refresh / (cayley[1] - cayley[0]), root35[0]);
        }
    }

    /** [precondition only, precondition + curvature update] for one n x n Kronecker state. */
    private static double[] time(int n, INDArray g, Retraction retraction, double root, int repeats) {
        SpectralSettings s = new SpectralSettings(0.01, 1.0, root, 1e-12, 1, 1e-6, 0.3, retraction, 4096,
                StateDtype.FLOAT32);
        KroneckerSpectral k = KroneckerSpectral.initial(n, n, g, s);
        ScratchArrays scratch = new ScratchArrays();
        INDArray work = Nd4j.createUninitialized(DataType.FLOAT, new long[] {n, n}, 'c');
        long[] step = {0};
        // A few updates first so the factors are no longer the identity.
        for (int i = 0; i < 3; i++) {
            work.assign(g);
            k.step(work, ++step[0], true, scratch);
            scratch.releaseAll();
        }
        double precondition = median(() -> {
            work.assign(g);
            k.step(work, ++step[0], false, scratch);
            scratch.releaseAll();
        }, 2, repeats);
        double both = median(() -> {
            work.assign(g);
            k.step(work, ++step[0], true, scratch);
            scratch.releaseAll();
        }, 2, repeats);
        return new double[] {precondition, both};
    }
}
