package dev.spectra.optim.adamw;

import dev.spectra.optim.StateDtype;
import dev.spectra.optim.chain.ParamContext;
import dev.spectra.optim.chain.UpdateTransform;
import dev.spectra.optim.state.OptimizerState;
import dev.spectra.optim.state.StoredTensor;
import java.util.LinkedHashMap;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Adam's diagonal preconditioning: bias-corrected first moment divided by the root of the
 * bias-corrected second moment plus eps. Moments are stored in the state precision.
 * Reusable by other optimizers (Muon's fallback for vectors, grafting).
 */
public final class AdamScaling implements UpdateTransform {

    private final double beta1;
    private final double beta2;
    private final double eps;
    private final StateDtype dtype;
    private final Map<String, Moments> moments = new LinkedHashMap<>();

    private record Moments(StoredTensor m, StoredTensor v) {
    }

    public AdamScaling(double beta1, double beta2, double eps, StateDtype dtype) {
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.dtype = dtype;
    }

    @Override
    public String name() {
        return "adam";
    }

    @Override
    public void apply(ParamContext ctx, INDArray update) {
        Moments mv = moments.computeIfAbsent(ctx.name(), n -> new Moments(
                new StoredTensor(Nd4j.zeros(dtype.storageType(), update.shape()), ctx.computeType()),
                new StoredTensor(Nd4j.zeros(dtype.storageType(), update.shape()), ctx.computeType())));
        mv.m().requireShape(ctx.name(), update.shape());
        mv.v().requireShape(ctx.name(), update.shape());
        INDArray m = mv.m().load(ctx.scratch());
        INDArray v = mv.v().load(ctx.scratch());
        INDArray tmp = ctx.scratch().acquire(update.dataType(), update.shape());
        long n = update.length();
        var blas = Nd4j.getBlasWrapper().level1();

        m.muli(beta1);
        blas.axpy(n, 1 - beta1, update, m);
        v.muli(beta2);
        tmp.assign(update).muli(update);
        blas.axpy(n, 1 - beta2, tmp, v);

        double c1 = 1 - Math.pow(beta1, ctx.step());
        double c2 = 1 - Math.pow(beta2, ctx.step());
        tmp.assign(v).muli(1.0 / c2);
        Transforms.sqrt(tmp, false).addi(eps);
        update.assign(m).muli(1.0 / c1).divi(tmp);

        mv.m().store(m);
        mv.v().store(v);
    }

    @Override
    public void saveState(OptimizerState.Scope out) {
        moments.forEach((name, mv) -> {
            out.put(name + "/m", mv.m().storage());
            out.put(name + "/v", mv.v().storage());
        });
    }

    @Override
    public void loadState(OptimizerState.Scope in) {
        moments.clear();
        for (String name : in.parameterNames()) {
            moments.put(name, new Moments(
                    new StoredTensor(in.tensor(name + "/m").castTo(dtype.storageType()), dtype.computeType()),
                    new StoredTensor(in.tensor(name + "/v").castTo(dtype.storageType()), dtype.computeType())));
        }
    }

    @Override
    public long stateBytes() {
        return moments.values().stream().mapToLong(mv -> mv.m().bytes() + mv.v().bytes()).sum();
    }
}
