package dev.spectra.optim.chain;

import dev.spectra.optim.FactorDiagnostics;
import dev.spectra.optim.state.OptimizerState;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One stage of an optimizer, optax style: it rewrites a parameter's update in place and keeps its
 * own per-parameter state. Optimizers are chains of these (precondition, momentum, weight decay),
 * so momentum, weight decay and schedules are written once and shared by every preconditioner.
 */
public interface UpdateTransform {

    /** Short name, used as the state-key scope, e.g. {@code momentum}. */
    String name();

    /**
     * Transforms {@code update} (compute precision, 'c'-ordered, the parameter's shape) in place.
     * On entry it holds the gradient or the previous stages' output.
     */
    void apply(ParamContext ctx, INDArray update);

    /** Writes per-parameter state under keys {@code <param>/<field>}. */
    default void saveState(OptimizerState.Scope out) {
    }

    /** Replaces all per-parameter state with what {@link #saveState} wrote. */
    default void loadState(OptimizerState.Scope in) {
    }

    default List<FactorDiagnostics> diagnostics() {
        return List.of();
    }

    /** Bytes of persistent state. */
    default long stateBytes() {
        return 0;
    }
}
