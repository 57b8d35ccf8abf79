package dev.spectra.optim.chain;

import dev.spectra.optim.FactorDiagnostics;
import dev.spectra.optim.Optimizer;
import dev.spectra.optim.OptimizerConfig;
import dev.spectra.optim.TensorLayout;
import dev.spectra.optim.state.OptimizerState;
import dev.spectra.optim.state.ScratchArrays;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * An {@link Optimizer} made of {@link UpdateTransform}s applied in order to each parameter's
 * gradient, followed by {@code w <- w - lr(step) * u}.
 *
 * <p>Hot path: the update buffer of each parameter is allocated once and reused; transforms draw
 * temporary arrays from a shared {@link ScratchArrays} pool released after each parameter.
 */
public class TransformChain implements Optimizer {

    private final OptimizerConfig config;
    private final List<UpdateTransform> transforms;
    private final ScratchArrays scratch = new ScratchArrays();
    private final Map<String, INDArray> updates = new HashMap<>();
    private final Map<String, TensorLayout> layouts = new HashMap<>();
    private LearningRateSchedule schedule = LearningRateSchedule.constant();
    private long step;

    public TransformChain(OptimizerConfig config, List<UpdateTransform> transforms) {
        this.config = config;
        this.transforms = List.copyOf(transforms);
    }

    @Override
    public OptimizerConfig config() {
        return config;
    }

    public List<UpdateTransform> transforms() {
        return transforms;
    }

    @Override
    public void step(Map<String, INDArray> params, Map<String, INDArray> grads) {
        for (Map.Entry<String, INDArray> e : params.entrySet()) {
            checkGradient(e.getKey(), e.getValue(), grads.get(e.getKey()));
        }
        long next = step + 1;
        double lr = config.lr() * schedule.multiplier(next);
        DataType compute = config.stateDtype().computeType();
        for (Map.Entry<String, INDArray> e : params.entrySet()) {
            String name = e.getKey();
            INDArray param = e.getValue();
            TensorLayout layout = layouts.get(name);
            INDArray update = updates.computeIfAbsent(name,
                    n -> Nd4j.createUninitialized(compute, param.shape(), 'c'));
            update.assign(grads.get(name));
            ParamContext ctx = new ParamContext(name, param, layout, next, scratch, config.stateDtype());
            for (UpdateTransform t : transforms) {
                t.apply(ctx, update);
            }
            applyUpdate(param, update, lr);
            scratch.releaseAll();
        }
        step = next;
    }

    private void applyUpdate(INDArray param, INDArray update, double lr) {
        if (param.dataType() == update.dataType() && param.ordering() == update.ordering()) {
            Nd4j.getBlasWrapper().level1().axpy(param.length(), -lr, update, param);
        } else {
            // e.g. DL4J dense weights are 'f'-ordered: let ND4J map the strides.
            param.subi(update.muli(lr).castTo(param.dataType()));
        }
    }

    private void checkGradient(String name, INDArray param, INDArray grad) {
        if (grad == null) {
            throw new IllegalArgumentException("no gradient for parameter '" + name + "'");
        }
        if (!Arrays.equals(param.shape(), grad.shape())) {
            throw new IllegalArgumentException("gradient of '" + name + "' has shape " + Arrays.toString(grad.shape())
                    + " but the parameter has " + Arrays.toString(param.shape()));
        }
        TensorLayout layout = TensorLayout.of(param.shape());
        TensorLayout known = layouts.putIfAbsent(name, layout);
        if (known != null && !known.equals(layout)) {
            throw new IllegalArgumentException("parameter '" + name + "' changed shape from "
                    + Arrays.toString(known.shape()) + " to " + Arrays.toString(param.shape()));
        }
    }

    @Override
    public long stepCount() {
        return step;
    }

    @Override
    public double currentLearningRate() {
        return config.lr() * schedule.multiplier(step + 1);
    }

    @Override
    public void setSchedule(LearningRateSchedule schedule) {
        this.schedule = schedule == null ? LearningRateSchedule.constant() : schedule;
    }

    @Override
    public byte[] exportState() {
        OptimizerState state = new OptimizerState(config.type());
        state.put("step", step);
        for (int i = 0; i < transforms.size(); i++) {
            transforms.get(i).saveState(state.scope(scopeOf(i)));
        }
        return state.toBytes();
    }

    @Override
    public void importState(byte[] bytes) {
        OptimizerState state = OptimizerState.fromBytes(bytes, config.type());
        for (int i = 0; i < transforms.size(); i++) {
            transforms.get(i).loadState(state.scope(scopeOf(i)));
        }
        step = state.longValue("step");
    }

    private String scopeOf(int i) {
        return i + ":" + transforms.get(i).name() + ":";
    }

    @Override
    public List<FactorDiagnostics> diagnostics() {
        List<FactorDiagnostics> all = new ArrayList<>();
        for (UpdateTransform t : transforms) {
            all.addAll(t.diagnostics());
        }
        return all;
    }

    @Override
    public long stateBytes() {
        return transforms.stream().mapToLong(UpdateTransform::stateBytes).sum();
    }

    @Override
    public String toString() {
        return config.toSpec().toString();
    }
}
