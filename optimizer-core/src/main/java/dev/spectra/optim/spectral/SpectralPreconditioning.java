package dev.spectra.optim.spectral;

import dev.spectra.optim.FactorDiagnostics;
import dev.spectra.optim.TensorLayout;
import dev.spectra.optim.chain.ParamContext;
import dev.spectra.optim.chain.UpdateTransform;
import dev.spectra.optim.state.OptimizerState;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The spectral preconditioning stage of the kron-spectral and full-spectral optimizers: per
 * parameter, the gradient is replaced by {@code S^(-1/p) g} from a spectrally factorized
 * curvature estimate, and the estimate learns from the gradient every T steps.
 *
 * <p>Which scheme a parameter gets:
 * <ul>
 *   <li>{@link Structure#KRONECKER}: matrices (dense {@code [nIn, nOut]}, conv kernels as
 *       {@code (out, in*kh*kw)}) get {@link KroneckerSpectral}, each side diagonal if longer than
 *       maxFactorSize; vectors (biases, gains) get the diagonal case {@link DiagonalSpectral}.</li>
 *   <li>{@link Structure#FULL}: every parameter, flattened, gets the full-matrix scheme
 *       ({@link FullVectorSpectral}) if its length is at most maxFactorSize, else the diagonal case.</li>
 * </ul>
 */
public final class SpectralPreconditioning implements UpdateTransform {

    public enum Structure { KRONECKER, FULL }

    private final Structure structure;
    private final SpectralSettings settings;
    private final Map<String, ParameterPreconditioner> states = new LinkedHashMap<>();

    public SpectralPreconditioning(Structure structure, SpectralSettings settings) {
        this.structure = structure;
        this.settings = settings;
    }

    public SpectralSettings settings() {
        return settings;
    }

    @Override
    public String name() {
        return "spectral";
    }

    @Override
    public void apply(ParamContext ctx, INDArray update) {
        TensorLayout layout = ctx.layout();
        boolean kron = structure == Structure.KRONECKER && layout.isMatrix();
        INDArray g = kron ? ctx.matrixView(update) : ctx.vectorView(update);
        ParameterPreconditioner st = states.get(ctx.name());
        if (st == null) {
            st = create(kron, layout, g, ctx);
            states.put(ctx.name(), st);
        } else {
            requireCompatible(ctx.name(), st, kron, layout);
        }
        long last = st.lastCurvatureUpdate();
        boolean learn = last == 0 || ctx.step() - last >= settings.curvatureInterval();
        st.step(g, ctx.step(), learn, ctx.scratch());
    }

    private ParameterPreconditioner create(boolean kron, TensorLayout layout, INDArray g, ParamContext ctx) {
        if (kron) {
            return KroneckerSpectral.initial((int) layout.rows(), (int) layout.cols(), g, settings);
        }
        if (structure == Structure.FULL && g.length() <= settings.maxFactorSize()) {
            return FullVectorSpectral.initial(g, settings, ctx.scratch());
        }
        return DiagonalSpectral.initial(g, settings, ctx.scratch());
    }

    private void requireCompatible(String name, ParameterPreconditioner st, boolean kron, TensorLayout layout) {
        String have = describe(st);
        boolean ok = kron ? st instanceof KroneckerSpectral k && k.rows() == layout.rows() && k.cols() == layout.cols()
                : !(st instanceof KroneckerSpectral) && sizeOf(st) == layout.length();
        if (!ok) {
            throw new IllegalArgumentException("optimizer state of parameter '" + name + "' is for " + have
                    + " but the parameter is a " + layout + " (state saved for another model?)");
        }
    }

    private static long sizeOf(ParameterPreconditioner st) {
        if (st instanceof DiagonalSpectral d) {
            return d.factor().size();
        }
        return ((FullVectorSpectral) st).scheme().size();
    }

    private static String describe(ParameterPreconditioner st) {
        if (st instanceof KroneckerSpectral k) {
            return "a " + k.rows() + "x" + k.cols() + " matrix (Kronecker factors)";
        }
        return "a vector of length " + sizeOf(st) + " (" + st.kind() + ")";
    }

    @Override
    public void saveState(OptimizerState.Scope out) {
        states.forEach((name, st) -> {
            String p = name + "/";
            out.put(p + "kind", kindCode(st));
            out.put(p + "lastUpdate", st.lastCurvatureUpdate());
            if (st instanceof KroneckerSpectral k) {
                out.put(p + "rows", (long) k.rows());
                out.put(p + "cols", (long) k.cols());
                putFactor(out, p + "C.", k.rowFactor());
                putFactor(out, p + "K.", k.colFactor());
                out.put(p + "logAlpha", k.logAlpha().storedHigh());
                if (k.logAlpha().storedLow() != null) {
                    out.put(p + "logAlpha.residual", k.logAlpha().storedLow());
                }
            } else if (st instanceof FullVectorSpectral f) {
                putFactor(out, p, f.scheme().factor());
            } else {
                putFactor(out, p, ((DiagonalSpectral) st).factor());
            }
        });
    }

    private static void putFactor(OptimizerState.Scope out, String prefix, SpectralFactor f) {
        if (!f.isDiagonal()) {
            out.put(prefix + "basis", f.storedBasis());
        }
        out.put(prefix + "logD", f.storedLogEigenvalues());
        if (f.storedLogEigenvalueResidual() != null) {
            out.put(prefix + "logD.residual", f.storedLogEigenvalueResidual());
        }
    }

    private static long kindCode(ParameterPreconditioner st) {
        return switch (st.kind()) {
            case DiagonalSpectral.KIND -> 1;
            case FullVectorSpectral.KIND -> 2;
            default -> 3;
        };
    }

    @Override
    public void loadState(OptimizerState.Scope in) {
        states.clear();
        for (String name : in.parameterNames()) {
            String p = name + "/";
            long kind = in.longValue(p + "kind");
            long last = in.longValue(p + "lastUpdate");
            ParameterPreconditioner st = switch ((int) kind) {
                case 1 -> new DiagonalSpectral(readFactor(in, p, -1), settings, last);
                case 2 -> {
                    yield new FullVectorSpectral(FullMatrixSpectral.restore(readFactor(in, p, -1), settings,
                            FullMatrixSpectral.EigenvalueStep.LINEAR), last);
                }
                case 3 -> {
                    int n = (int) in.longValue(p + "rows");
                    int m = (int) in.longValue(p + "cols");
                    INDArray la = in.tensor(p + "logAlpha", 1);
                    INDArray laLow = in.contains(p + "logAlpha.residual") ? in.tensor(p + "logAlpha.residual", 1) : null;
                    yield new KroneckerSpectral(n, m, settings, readFactor(in, p + "C.", n), readFactor(in, p + "K.", m),
                            CompensatedTensor.of(la, laLow, settings.stateDtype()), last);
                }
                default -> throw new IllegalArgumentException("optimizer state of parameter '" + name
                        + "' has unknown spectral state kind " + kind);
            };
            states.put(name, st);
        }
    }

    /** Reads a factor, checking that basis and eigenvalues agree in size (and equal {@code n} if >= 0). */
    private SpectralFactor readFactor(OptimizerState.Scope in, String prefix, int n) {
        INDArray logD = in.tensor(prefix + "logD");
        long len = logD.length();
        if (n >= 0 && len != n) {
            throw new IllegalArgumentException("optimizer state '" + prefix + "logD' has " + len
                    + " eigenvalues but the factor has size " + n);
        }
        INDArray basis = in.contains(prefix + "basis") ? in.tensor(prefix + "basis", len, len) : null;
        INDArray residual = in.contains(prefix + "logD.residual") ? in.tensor(prefix + "logD.residual", len) : null;
        return SpectralFactor.restore(basis, logD, residual, settings.stateDtype());
    }

    @Override
    public List<FactorDiagnostics> diagnostics() {
        List<FactorDiagnostics> out = new ArrayList<>();
        states.forEach((name, st) -> {
            long last = st.lastCurvatureUpdate();
            if (st instanceof KroneckerSpectral k) {
                double alpha = k.alpha();
                out.add(diagnose(name, k.rowFactor().isDiagonal() ? "C-diag" : "C", k.rowFactor(), alpha, last));
                out.add(diagnose(name, k.colFactor().isDiagonal() ? "K-diag" : "K", k.colFactor(), alpha, last));
            } else if (st instanceof FullVectorSpectral f) {
                out.add(diagnose(name, "full", f.scheme().factor(), 1.0, last));
            } else {
                out.add(diagnose(name, "diag", ((DiagonalSpectral) st).factor(), 1.0, last));
            }
        });
        return out;
    }

    private static FactorDiagnostics diagnose(String name, String factor, SpectralFactor f, double scale, long last) {
        double[] range = f.eigenvalueRange();
        return new FactorDiagnostics(name, factor, f.size(), f.orthogonalityError(), range[0], range[1], scale, last);
    }

    @Override
    public long stateBytes() {
        return states.values().stream().mapToLong(ParameterPreconditioner::stateBytes).sum();
    }
}
