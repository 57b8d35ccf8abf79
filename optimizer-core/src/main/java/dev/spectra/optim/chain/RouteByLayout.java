package dev.spectra.optim.chain;

import dev.spectra.optim.FactorDiagnostics;
import dev.spectra.optim.state.OptimizerState;
import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Sends matrix parameters (dense and conv weights) through one list of transforms and vector
 * parameters (biases, norm gains) through another. Muon needs this: Newton-Schulz
 * orthogonalization is only meaningful for matrices, and the usual recipe runs AdamW on the rest.
 */
public final class RouteByLayout implements UpdateTransform {

    private final List<UpdateTransform> matrices;
    private final List<UpdateTransform> vectors;

    public RouteByLayout(List<UpdateTransform> matrices, List<UpdateTransform> vectors) {
        this.matrices = List.copyOf(matrices);
        this.vectors = List.copyOf(vectors);
    }

    @Override
    public String name() {
        return "route";
    }

    @Override
    public void apply(ParamContext ctx, INDArray update) {
        for (UpdateTransform t : ctx.layout().isMatrix() ? matrices : vectors) {
            t.apply(ctx, update);
        }
    }

    private static OptimizerState.Scope sub(OptimizerState.Scope scope, String route, int i, UpdateTransform t) {
        return scope.state().scope(scope.prefix() + route + i + ":" + t.name() + ":");
    }

    @Override
    public void saveState(OptimizerState.Scope out) {
        for (int i = 0; i < matrices.size(); i++) {
            matrices.get(i).saveState(sub(out, "matrix", i, matrices.get(i)));
        }
        for (int i = 0; i < vectors.size(); i++) {
            vectors.get(i).saveState(sub(out, "vector", i, vectors.get(i)));
        }
    }

    @Override
    public void loadState(OptimizerState.Scope in) {
        for (int i = 0; i < matrices.size(); i++) {
            matrices.get(i).loadState(sub(in, "matrix", i, matrices.get(i)));
        }
        for (int i = 0; i < vectors.size(); i++) {
            vectors.get(i).loadState(sub(in, "vector", i, vectors.get(i)));
        }
    }

    @Override
    public List<FactorDiagnostics> diagnostics() {
        List<FactorDiagnostics> all = new ArrayList<>();
        matrices.forEach(t -> all.addAll(t.diagnostics()));
        vectors.forEach(t -> all.addAll(t.diagnostics()));
        return all;
    }

    @Override
    public long stateBytes() {
        return matrices.stream().mapToLong(UpdateTransform::stateBytes).sum()
                + vectors.stream().mapToLong(UpdateTransform::stateBytes).sum();
    }
}
