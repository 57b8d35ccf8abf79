package dev.spectra.optim.bench;

import dev.spectra.optim.Optimizer;
import dev.spectra.optim.Optimizers;
import dev.spectra.optim.reference.KroneckerScheme;
import dev.spectra.optim.state.OptimizerState;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The kron-spectral optimizer driven as a curvature learner: each gradient sample is one
 * optimizer step on a dummy parameter (curvature learned every step, no momentum), and the
 * estimate {@code alpha (S_C kron S_K)} is rebuilt from the exported state (fp64), i.e. from
 * exactly what a resumed training run would continue with.
 */
final class KronSpectralProbe implements KroneckerScheme {

    private static final String PARAM = "w";
    private final Optimizer optimizer;
    private final Map<String, INDArray> params;

    KronSpectralProbe(int n, int m, double beta2) {
        this.optimizer = Optimizers.create(Map.of("type", "kron-spectral", "curvatureInterval", 1, "beta2", beta2,
                "gamma", 1.0, "momentum", 0.0, "lr", 1e-9, "stateDtype", "float64", "retraction", "cayley"));
        this.params = Map.of(PARAM, Nd4j.zeros(DataType.DOUBLE, n, m));
    }

    @Override
    public void update(INDArray g) {
        optimizer.step(params, Map.of(PARAM, g));
    }

    @Override
    public INDArray estimate() {
        OptimizerState state = OptimizerState.fromBytes(optimizer.exportState(), "kron-spectral");
        String p = "0:spectral:" + PARAM + "/";
        double logAlpha = scalar(state, p + "logAlpha");
        return KroneckerScheme.kron(factor(state, p + "C."), factor(state, p + "K.")).muli(Math.exp(logAlpha));
    }

    private static INDArray factor(OptimizerState state, String prefix) {
        if (!state.contains(prefix + "basis") || !state.contains(prefix + "logD")) {
            throw new IllegalStateException("kron-spectral state has no '" + prefix + "basis'/'logD' entries: "
                    + "its export layout changed, update " + KronSpectralProbe.class.getSimpleName());
        }
        INDArray b = state.tensor(prefix + "basis").castTo(DataType.DOUBLE);
        INDArray logD = state.tensor(prefix + "logD").castTo(DataType.DOUBLE).reshape(1, b.columns());
        if (state.contains(prefix + "logD.residual")) {
            logD.addi(state.tensor(prefix + "logD.residual").castTo(DataType.DOUBLE).reshape(1, b.columns()));
        }
        INDArray d = org.nd4j.linalg.ops.transforms.Transforms.exp(logD, true);
        return b.mulRowVector(d).mmul(b.transpose());
    }

    private static double scalar(OptimizerState state, String key) {
        double v = state.tensor(key).getDouble(0);
        if (state.contains(key + ".residual")) {
            v += state.tensor(key + ".residual").getDouble(0);
        }
        return v;
    }
}
