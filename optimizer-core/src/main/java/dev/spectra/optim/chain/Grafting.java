package dev.spectra.optim.chain;

import dev.spectra.optim.FactorDiagnostics;
import dev.spectra.optim.state.OptimizerState;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Layer-wise grafting (Agarwal et al., "Disentangling adaptive gradient methods"): the update takes
 * its <em>direction</em> from one transform and its per-parameter Frobenius <em>norm</em> from
 * another, {@code u = ||M(g)|| / ||D(g)|| * D(g)}. Shampoo uses it with Adam as the magnitude so
 * that a learning rate tuned for Adam carries over and the eigenvalue floor epsilon stops mattering
 * for the step size.
 *
 * <p>The magnitude transform sees its own copy of the incoming update, so its state (Adam's second
 * moment) evolves exactly as it would alone. A {@code null} magnitude grafts the norm of the
 * incoming update itself (SGD grafting).
 */
public final class Grafting implements UpdateTransform {

    private final UpdateTransform direction;
    private final UpdateTransform magnitude;

    public Grafting(UpdateTransform direction, UpdateTransform magnitude) {
        this.direction = direction;
        this.magnitude = magnitude;
    }

    @Override
    public String name() {
        return direction.name() + "-grafted";
    }

    @Override
    public void apply(ParamContext ctx, INDArray update) {
        INDArray graft = ctx.scratch().acquire(update.dataType(), update.ordering(), update.shape());
        graft.assign(update);
        if (magnitude != null) {
            magnitude.apply(ctx, graft);
        }
        double target = graft.norm2Number().doubleValue();
        direction.apply(ctx, update);
        double norm = update.norm2Number().doubleValue();
        // A zero direction (zero gradient) stays zero rather than dividing by zero.
        if (norm > 0 && Double.isFinite(norm)) {
            update.muli(target / norm);
        }
    }

    // Sibling sub-scopes ("dir:", "mag:") so neither is a key prefix of the other.
    private static OptimizerState.Scope sub(OptimizerState.Scope scope, String part) {
        return scope.state().scope(scope.prefix() + part);
    }

    @Override
    public void saveState(OptimizerState.Scope out) {
        direction.saveState(sub(out, "dir:"));
        if (magnitude != null) {
            magnitude.saveState(sub(out, "mag:"));
        }
    }

    @Override
    public void loadState(OptimizerState.Scope in) {
        direction.loadState(sub(in, "dir:"));
        if (magnitude != null) {
            magnitude.loadState(sub(in, "mag:"));
        }
    }

    @Override
    public List<FactorDiagnostics> diagnostics() {
        return direction.diagnostics();
    }

    @Override
    public long stateBytes() {
        return direction.stateBytes() + (magnitude == null ? 0 : magnitude.stateBytes());
    }
}
