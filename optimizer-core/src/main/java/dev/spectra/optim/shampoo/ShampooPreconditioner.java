package dev.spectra.optim.shampoo;

import dev.spectra.optim.FactorDiagnostics;
import dev.spectra.optim.StateDtype;
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
 * Shampoo's preconditioning (Gupta et al. 2018; Anil et al. 2020): for a gradient matrix G,
 * {@code P = L^(-1/p) G R^(-1/p)} with {@code L = E[G G^T] + eps I}, {@code R = E[G^T G] + eps I}
 * estimated by exponential moving averages (bias-corrected) and the inverse roots recomputed by
 * eigendecomposition every {@code frequency} steps, starting at the first step.
 *
 * <p>A side longer than {@code maxFactorSize} uses the diagonal of its statistic instead of the
 * full matrix. Vectors have a single diagonal factor with root {@code -2/p} (Shampoo's order-1
 * rule: {@code -1/(2k)} for an order-k tensor is -1/4 per side for matrices and -1/2 for vectors).
 */
public final class ShampooPreconditioner implements UpdateTransform {

    private final double beta2;
    private final double epsilon;
    private final double rootExponent;
    private final int frequency;
    private final int maxFactorSize;
    private final StateDtype dtype;
    private final Map<String, Factors> factors = new LinkedHashMap<>();

    /** Both sides of one parameter; {@code right} is null for vectors. */
    private record Factors(ShampooFactor left, ShampooFactor right, long[] counter) {
    }

    /**
     * @param beta2         EMA decay of the statistics, in (0, 1]; 1 accumulates (AdaGrad-style)
     * @param epsilon       damping added to each factor's eigenvalues before the root
     * @param rootExponent  p: each side of a matrix gets the root -1/p, a vector -2/p
     * @param frequency     recompute the roots every this many steps
     * @param maxFactorSize sides longer than this use a diagonal factor
     */
    public ShampooPreconditioner(double beta2, double epsilon, double rootExponent, int frequency,
                                 int maxFactorSize, StateDtype dtype) {
        this.beta2 = beta2;
        this.epsilon = epsilon;
        this.rootExponent = rootExponent;
        this.frequency = frequency;
        this.maxFactorSize = maxFactorSize;
        this.dtype = dtype;
    }

    @Override
    public String name() {
        return "shampoo";
    }

    private Factors create(TensorLayout layout) {
        if (!layout.isMatrix()) {
            return new Factors(new ShampooFactor(FactorStatistic.Side.ROWS, false, (int) layout.rows(), dtype),
                    null, new long[1]);
        }
        int rows = (int) layout.rows();
        int cols = (int) layout.cols();
        return new Factors(
                new ShampooFactor(FactorStatistic.Side.ROWS, rows <= maxFactorSize, rows, dtype),
                new ShampooFactor(FactorStatistic.Side.COLS, cols <= maxFactorSize, cols, dtype),
                new long[1]);
    }

    @Override
    public void apply(ParamContext ctx, INDArray update) {
        Factors f = factors.computeIfAbsent(ctx.name(), n -> create(ctx.layout()));
        checkLayout(ctx, f);
        INDArray g = f.right() == null
                ? update.reshape('c', update.length(), 1)
                : ctx.matrixView(update);
        long t = ++f.counter()[0];
        double decay = beta2 < 1 ? beta2 : 1.0;
        double weight = beta2 < 1 ? 1 - beta2 : 1.0;
        double biasCorrection = beta2 < 1 ? 1 - Math.pow(beta2, t) : 1.0;
        boolean refresh = (t - 1) % frequency == 0;
        f.left().accumulate(g, decay, weight, ctx.scratch());
        if (f.right() != null) {
            f.right().accumulate(g, decay, weight, ctx.scratch());
        }
        if (refresh) {
            double sideExponent = f.right() == null ? 2.0 / rootExponent : 1.0 / rootExponent;
            f.left().refreshRoot(biasCorrection, epsilon, sideExponent, ctx.step(), ctx.scratch());
            if (f.right() != null) {
                f.right().refreshRoot(biasCorrection, epsilon, sideExponent, ctx.step(), ctx.scratch());
            }
        }
        INDArray tmp = ctx.scratch().acquire(g.dataType(), 'c', g.shape());
        if (f.right() == null) {
            f.left().apply(g, tmp, ctx.scratch());
            g.assign(tmp);
        } else {
            f.left().apply(g, tmp, ctx.scratch());
            f.right().apply(tmp, g, ctx.scratch());
        }
    }

    private static void checkLayout(ParamContext ctx, Factors f) {
        TensorLayout layout = ctx.layout();
        long rows = layout.isMatrix() ? layout.rows() : layout.length();
        long cols = layout.isMatrix() ? layout.cols() : 0;
        long haveCols = f.right() == null ? 0 : f.right().size();
        if (f.left().size() != rows || haveCols != cols) {
            throw new IllegalArgumentException("Shampoo state for '" + ctx.name() + "' has factors " + f.left().size()
                    + " x " + haveCols + " but the parameter is " + layout + " (state saved for another model?)");
        }
    }

    @Override
    public void saveState(OptimizerState.Scope out) {
        factors.forEach((name, f) -> {
            out.put(name + "/t", f.counter()[0]);
            out.put(name + "/rows", (long) f.left().size());
            out.put(name + "/cols", f.right() == null ? 0L : (long) f.right().size());
            f.left().save(out, name + "/L");
            if (f.right() != null) {
                f.right().save(out, name + "/R");
            }
        });
    }

    @Override
    public void loadState(OptimizerState.Scope in) {
        factors.clear();
        for (String name : in.parameterNames()) {
            long rows = in.longValue(name + "/rows");
            long cols = in.longValue(name + "/cols");
            long[] shape = cols == 0 ? new long[] {rows} : new long[] {rows, cols};
            Factors f = create(TensorLayout.of(shape));
            f.left().load(in, name + "/L");
            if (f.right() != null) {
                f.right().load(in, name + "/R");
            }
            f.counter()[0] = in.longValue(name + "/t");
            factors.put(name, f);
        }
    }

    @Override
    public List<FactorDiagnostics> diagnostics() {
        List<FactorDiagnostics> out = new ArrayList<>();
        factors.forEach((name, f) -> {
            out.add(diagnostics(name, f.right() == null ? "diag" : "L", f.left()));
            if (f.right() != null) {
                out.add(diagnostics(name, "R", f.right()));
            }
        });
        return out;
    }

    private static FactorDiagnostics diagnostics(String name, String which, ShampooFactor f) {
        // Roots are rebuilt from an exact decomposition, so there is no drifting basis to report.
        return new FactorDiagnostics(name, f.dense() ? which : which.equals("diag") ? "diag" : which + "-diag",
                f.size(), 0.0, f.last().minEigenvalue(), f.last().maxEigenvalue(), 1.0, f.last().step());
    }

    @Override
    public long stateBytes() {
        return factors.values().stream()
                .mapToLong(f -> f.left().bytes() + (f.right() == null ? 0 : f.right().bytes())).sum();
    }
}
