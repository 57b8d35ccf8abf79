package dev.spectra.optim.bench;

import dev.spectra.optim.linalg.DenseLinearAlgebra;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.rng.Random;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Random SPD targets for the experiments: a Haar-random eigenbasis and log-uniform eigenvalues
 * spanning a given condition number, with the square root kept for sampling N(0, S).
 */
record RandomSpd(INDArray matrix, INDArray sqrt, INDArray eigenvalues) {

    static RandomSpd of(int n, double condition, Random rng) {
        INDArray q = gaussian(rng, n, n).dup('f');
        DenseLinearAlgebra.orthonormalizeColumns(q);
        INDArray values = Nd4j.create(DataType.DOUBLE, 1, n);
        double logSpan = Math.log(condition);
        for (int i = 0; i < n; i++) {
            values.putScalar(0, i, Math.exp(logSpan * (rng.nextDouble() - 0.5)));
        }
        INDArray sqrt = q.mulRowVector(org.nd4j.linalg.ops.transforms.Transforms.sqrt(values, true));
        INDArray matrix = sqrt.mmul(sqrt.transpose());
        return new RandomSpd(matrix, sqrt, values);
    }

    int size() {
        return (int) matrix.rows();
    }

    /** k samples of N(0, S) as the columns of an n x k matrix. */
    INDArray samples(int k, Random rng) {
        return sqrt.mmul(gaussian(rng, size(), k));
    }

    /** An fp64 standard-normal matrix drawn from {@code rng} (deterministic for a seeded rng). */
    static INDArray gaussian(Random rng, long rows, long cols) {
        double[] v = new double[(int) (rows * cols)];
        for (int i = 0; i < v.length; i++) {
            v[i] = rng.nextGaussian();
        }
        return Nd4j.create(v, new long[] {rows, cols}, DataType.DOUBLE);
    }

    static double relErr(INDArray estimate, INDArray reference) {
        return estimate.sub(reference).norm2Number().doubleValue() / reference.norm2Number().doubleValue();
    }
}
