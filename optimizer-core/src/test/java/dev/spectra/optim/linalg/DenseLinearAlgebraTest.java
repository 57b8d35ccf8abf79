package dev.spectra.optim.linalg;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class DenseLinearAlgebraTest {

    @Test
    void eigenSolveAndQrReconstructTheirInputs() {
        Nd4j.getRandom().setSeed(3);
        INDArray x = Nd4j.randn(DataType.DOUBLE, 6, 6);
        INDArray spd = x.mmul(x.transpose()).addi(Nd4j.eye(6).castTo(DataType.DOUBLE));

        INDArray vecs = spd.dup('f');
        INDArray vals = Nd4j.create(DataType.DOUBLE, 6);
        DenseLinearAlgebra.symmetricEigen(vecs, vals);
        INDArray rebuilt = vecs.mulRowVector(vals).mmul(vecs.transpose());
        assertThat(rebuilt.sub(spd).norm2Number().doubleValue()).isLessThan(1e-10);
        assertThat(vals.getDouble(0)).isLessThanOrEqualTo(vals.getDouble(5));
        assertThat(DenseLinearAlgebra.orthogonalityError(vecs)).isLessThan(1e-12);

        INDArray rhs = Nd4j.randn(DataType.DOUBLE, 6, 3).dup('f');
        INDArray sol = rhs.dup('f');
        DenseLinearAlgebra.solveInPlace(spd.dup('f'), sol);
        assertThat(spd.mmul(sol).sub(rhs).norm2Number().doubleValue()).isLessThan(1e-10);

        INDArray q = Nd4j.randn(DataType.FLOAT, 8, 5).dup('f');
        DenseLinearAlgebra.orthonormalizeColumns(q);
        assertThat(DenseLinearAlgebra.orthogonalityError(q)).isLessThan(1e-5);
    }
}
