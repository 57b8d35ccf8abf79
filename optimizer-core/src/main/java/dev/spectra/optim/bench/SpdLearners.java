package dev.spectra.optim.bench;

import dev.spectra.optim.reference.CholeskySpdScheme;
import dev.spectra.optim.reference.ProjectedSpdScheme;
import org.nd4j.linalg.api.buffer.DataType;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.nd4j.linalg.api.ndarray.INDArray;

/** The schemes the SPD experiments compare, all started from S = I in fp64. */
final class SpdLearners {

    private SpdLearners() {
    }

    static SpdLearner cholesky(int n, double beta2, double gamma) {
        CholeskySpdScheme s = CholeskySpdScheme.identity(n, DataType.DOUBLE, beta2, gamma);
        return of("cholesky", s::update, s::matrix);
    }

    static SpdLearner projection(int n, double beta2, double gamma, double floor) {
        ProjectedSpdScheme s = ProjectedSpdScheme.identity(n, DataType.DOUBLE, beta2, gamma, floor);
        return of("projection", s::update, s::matrix);
    }

    /** A learner whose roots come from an eigendecomposition of its matrix. */
    static SpdLearner of(String name, Consumer<INDArray> update, Supplier<INDArray> matrix) {
        return new SpdLearner() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public void update(INDArray h) {
                update.accept(h);
            }

            @Override
            public INDArray matrix() {
                return matrix.get();
            }
        };
    }
}
