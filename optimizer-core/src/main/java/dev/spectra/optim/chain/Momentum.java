package dev.spectra.optim.chain;

import dev.spectra.optim.StateDtype;
import dev.spectra.optim.state.OptimizerState;
import dev.spectra.optim.state.StoredTensor;
import java.util.LinkedHashMap;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Momentum on whatever update reaches it: {@code m <- beta m + u}, then {@code u <- m} (heavy
 * ball) or {@code u <- u + beta m} (Nesterov). With {@code dampened}, the new update enters as
 * {@code (1 - beta) u} (an EMA, Adam/Muon style) so the step size does not grow by 1/(1-beta).
 */
public final class Momentum implements UpdateTransform {

    private final double beta;
    private final boolean nesterov;
    private final boolean dampened;
    private final StateDtype dtype;
    private final Map<String, StoredTensor> buffers = new LinkedHashMap<>();

    public Momentum(double beta, boolean nesterov, boolean dampened, StateDtype dtype) {
        this.beta = beta;
        this.nesterov = nesterov;
        this.dampened = dampened;
        this.dtype = dtype;
    }

    @Override
    public String name() {
        return "momentum";
    }

    @Override
    public void apply(ParamContext ctx, INDArray update) {
        if (beta == 0) {
            return;
        }
        StoredTensor stored = buffers.computeIfAbsent(ctx.name(),
                n -> new StoredTensor(Nd4j.zeros(dtype.storageType(), update.shape()), ctx.computeType()));
        INDArray m = stored.requireShape(ctx.name(), update.shape()).load(ctx.scratch());
        m.muli(beta);
        Nd4j.getBlasWrapper().level1().axpy(m.length(), dampened ? 1 - beta : 1.0, update, m);
        if (nesterov) {
            if (dampened) {
                update.muli(1 - beta);
            }
            Nd4j.getBlasWrapper().level1().axpy(m.length(), beta, m, update);
        } else {
            update.assign(m);
        }
        stored.store(m);
    }

    @Override
    public void saveState(OptimizerState.Scope out) {
        buffers.forEach((name, t) -> out.put(name + "/m", t.storage()));
    }

    @Override
    public void loadState(OptimizerState.Scope in) {
        buffers.clear();
        for (String name : in.parameterNames()) {
            INDArray m = in.tensor(name + "/m").castTo(dtype.storageType());
            buffers.put(name, new StoredTensor(m, dtype.computeType()));
        }
    }

    @Override
    public long stateBytes() {
        return buffers.values().stream().mapToLong(StoredTensor::bytes).sum();
    }
}
