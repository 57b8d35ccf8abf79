package dev.spectra.optim.reference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class DefaultSpdSchemeTest {

    @Test
    void updatesByTheMovingAverageAndTakesRootsByEigendecomposition() {
        DefaultSpdScheme s = DefaultSpdScheme.identity(3, DataType.DOUBLE, 0.5, 1.0);
        INDArray h = Nd4j.createFromArray(new double[][] {{3, 0, 0}, {0, 5, 0}, {0, 0, 9}});
        s.update(h);
        // (1 - 0.5) I + 0.5 H = diag(2, 3, 5); h is not modified
        assertThat(s.matrix().getDouble(2, 2)).isCloseTo(5.0, within(1e-12));
        assertThat(h.getDouble(2, 2)).isEqualTo(9.0);
        INDArray v = Nd4j.createFromArray(new double[][] {{1}, {1}, {1}});
        INDArray r = s.inverseRoot(v, 2.0, 0.0);
        assertThat(r.getDouble(0, 0)).isCloseTo(1 / Math.sqrt(2), within(1e-12));
        assertThat(r.getDouble(2, 0)).isCloseTo(1 / Math.sqrt(5), within(1e-12));
        assertThat(s.minEigenvalue()).isCloseTo(2.0, within(1e-12));
        s.update(Nd4j.createFromArray(new double[][] {{-10, 0, 0}, {0, 0, 0}, {0, 0, 0}}));
        assertThat(s.minEigenvalue()).as("indefinite curvature makes S indefinite").isNegative();
    }
}
