package dev.spectra.optim.bench;

import dev.spectra.optim.reference.CholeskySpdScheme;
import dev.spectra.optim.reference.ProjectedSpdScheme;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** The schemes the SPD experiments compare, all started from S = I in fp64. */
final class SpdLearners {

    private SpdLearners() {
    }

    static SpdLearner cholesky(int n, double beta2, double gamma) {
        CholeskySpdScheme s = CholeskySpdScheme.identity(n, DataType.DOUBLE, beta2, gamma);
        return new SpdLearner() {
            @Override
            public String name() {
                return "cholesky";
            }

            @Override
            public void update(INDArray h) {
                s.update(h);
            }

            @Override
            public INDArray matrix() {
                return s.matrix();
            }
        };
    }

    static SpdLearner projection(int n, double beta2, double gamma, double floor) {
        ProjectedSpdScheme s = ProjectedSpdScheme.identity(n, DataType.DOUBLE, beta2, gamma, floor);
        return new SpdLearner() {
            @Override
            public String name() {
                return "projection";
            }

            @Override
            public void update(INDArray h) {
                s.update(h);
            }

            @Override
            public INDArray matrix() {
                return s.matrix();
            }
        };
    }
}
