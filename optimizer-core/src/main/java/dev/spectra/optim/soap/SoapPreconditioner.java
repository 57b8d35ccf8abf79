package dev.spectra.optim.soap;

import dev.spectra.optim.FactorDiagnostics;
import dev.spectra.optim.StateDtype;
import dev.spectra.optim.TensorLayout;
import dev.spectra.optim.chain.ParamContext;
import dev.spectra.optim.chain.UpdateTransform;
import dev.spectra.optim.linalg.DenseLinearAlgebra;
import dev.spectra.optim.shampoo.FactorStatistic;
import dev.spectra.optim.state.OptimizerState;
import dev.spectra.optim.state.ScratchArrays;
import dev.spectra.optim.state.StoredTensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * SOAP (Vyas et al. 2024, "SOAP: improving and stabilizing Shampoo using Adam"): Adam run in the
 * eigenbasis of Shampoo's factors. Follows the official implementation:
 * <ol>
 * <li>The first step only accumulates the statistics and takes their exact eigenbasis; the
 *     parameter does not move (so the current gradient never shapes its own projection).</li>
 * <li>Each later step rotates the gradient {@code G' = Q_L^T G Q_R}, updates Adam's moments in
 *     the rotated basis, rotates {@code M / (sqrt(V) + eps)} back and scales it by Adam's bias
 *     corrections; then the statistics absorb G.</li>
 * <li>Every {@code frequency} steps the bases are refreshed by one power iteration + QR; the first
 *     moment is carried into the new basis by rotation and the second moment's entries are
 *     permuted with the sorted eigenvector estimates (a second moment cannot be rotated).</li>
 * </ol>
 * The official code rotates the first moment out and back in on every step; here it is rotated only
 * when the basis changes, which is the same map without the two redundant products.
 * A side longer than {@code maxFactorSize} is left unrotated; vectors get plain Adam.
 */
public final class SoapPreconditioner implements UpdateTransform {

    private final double beta1;
    private final double beta2;
    private final double shampooBeta;
    private final double eps;
    private final int frequency;
    private final int maxFactorSize;
    private final StateDtype dtype;
    private final Map<String, ParamState> states = new LinkedHashMap<>();

    private static final class ParamState {
        final long rows;
        final long cols;
        final SoapBasis left;   // null: no rotation on that side
        final SoapBasis right;
        final StoredTensor m;
        final StoredTensor v;
        long t;                  // Adam steps taken (the initializing step does not count)
        boolean initialized;

        ParamState(long rows, long cols, SoapBasis left, SoapBasis right, StateDtype dtype) {
            this.rows = rows;
            this.cols = cols;
            this.left = left;
            this.right = right;
            this.m = new StoredTensor(Nd4j.zeros(dtype.storageType(), rows, cols), dtype.computeType());
            this.v = new StoredTensor(Nd4j.zeros(dtype.storageType(), rows, cols), dtype.computeType());
        }
    }

    public SoapPreconditioner(double beta1, double beta2, double shampooBeta, double eps, int frequency,
                              int maxFactorSize, StateDtype dtype) {
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.shampooBeta = shampooBeta;
        this.eps = eps;
        this.frequency = frequency;
        this.maxFactorSize = maxFactorSize;
        this.dtype = dtype;
    }

    @Override
    public String name() {
        return "soap";
    }

    private ParamState create(long rows, long cols, boolean matrix) {
        SoapBasis left = matrix && rows <= maxFactorSize ? new SoapBasis(FactorStatistic.Side.ROWS, (int) rows, dtype) : null;
        SoapBasis right = matrix && cols <= maxFactorSize ? new SoapBasis(FactorStatistic.Side.COLS, (int) cols, dtype) : null;
        return new ParamState(rows, cols, left, right, dtype);
    }

    private static long[] shape(TensorLayout layout) {
        return layout.isMatrix() ? new long[] {layout.rows(), layout.cols()} : new long[] {layout.length(), 1};
    }

    @Override
    public void apply(ParamContext ctx, INDArray update) {
        long[] shape = shape(ctx.layout());
        ParamState s = states.computeIfAbsent(ctx.name(), n -> create(shape[0], shape[1], ctx.layout().isMatrix()));
        if (s.rows != shape[0] || s.cols != shape[1]) {
            throw new IllegalArgumentException("SOAP state for '" + ctx.name() + "' is " + s.rows + " x " + s.cols
                    + " but the parameter is " + ctx.layout() + " (state saved for another model?)");
        }
        ScratchArrays scratch = ctx.scratch();
        INDArray g = update.reshape('c', shape[0], shape[1]);
        if (!s.initialized) {
            accumulate(s, g, scratch);
            if (s.left != null) {
                s.left.initialize(ctx.step(), scratch);
            }
            if (s.right != null) {
                s.right.initialize(ctx.step(), scratch);
            }
            s.initialized = true;
            update.assign(0.0);
            return;
        }
        s.t++;
        INDArray rotated = scratch.acquire(g.dataType(), 'c', shape);
        rotate(s, g, rotated, false, scratch);

        INDArray m = s.m.load(scratch);
        INDArray v = s.v.load(scratch);
        var blas = Nd4j.getBlasWrapper().level1();
        m.muli(beta1);
        blas.axpy(m.length(), 1 - beta1, rotated, m);
        v.muli(beta2);
        rotated.muli(rotated);
        blas.axpy(v.length(), 1 - beta2, rotated, v);
        INDArray direction = rotated; // reuse: N = M / (sqrt(V) + eps)
        direction.assign(v);
        Transforms.sqrt(direction, false).addi(eps);
        direction.rdivi(m);

        accumulate(s, g, scratch); // g is still the raw gradient
        double stepScale = Math.sqrt(1 - Math.pow(beta2, s.t)) / (1 - Math.pow(beta1, s.t));
        rotate(s, direction, g, true, scratch);
        g.muli(stepScale);

        if (s.t % frequency == 0 && (s.left != null || s.right != null)) {
            refresh(s, m, v, ctx.step(), scratch);
        }
        s.m.store(m);
        s.v.store(v);
    }

    private void accumulate(ParamState s, INDArray g, ScratchArrays scratch) {
        if (s.left != null) {
            s.left.accumulate(g, shampooBeta, 1 - shampooBeta, scratch);
        }
        if (s.right != null) {
            s.right.accumulate(g, shampooBeta, 1 - shampooBeta, scratch);
        }
    }

    /** {@code out = Q_L^T x Q_R} (into the eigenbasis) or {@code out = Q_L x Q_R^T} (back). */
    private static void rotate(ParamState s, INDArray x, INDArray out, boolean back, ScratchArrays scratch) {
        INDArray tmp = scratch.acquire(x.dataType(), 'c', x.shape());
        INDArray src = x;
        if (s.left != null) {
            Nd4j.gemm(s.left.load(scratch), src, tmp, !back, false, 1.0, 0.0);
            src = tmp;
        }
        if (s.right != null) {
            Nd4j.gemm(src, s.right.load(scratch), out, false, back, 1.0, 0.0);
        } else {
            out.assign(src);
        }
    }

    /** New bases; M follows by rotation (through the original basis), V by permutation. */
    private static void refresh(ParamState s, INDArray m, INDArray v, long step, ScratchArrays scratch) {
        INDArray original = scratch.acquire(m.dataType(), 'c', m.shape());
        rotate(s, m, original, true, scratch);
        INDArray permuted = scratch.acquire(v.dataType(), v.ordering(), v.shape());
        if (s.left != null) {
            Permutations.rows(v, s.left.refresh(step, scratch), permuted);
            v.assign(permuted);
        }
        if (s.right != null) {
            Permutations.columns(v, s.right.refresh(step, scratch), permuted);
            v.assign(permuted);
        }
        rotate(s, original, m, false, scratch);
    }

    @Override
    public void saveState(OptimizerState.Scope out) {
        states.forEach((name, s) -> {
            out.put(name + "/rows", s.rows);
            out.put(name + "/cols", s.cols);
            out.put(name + "/t", s.t);
            out.put(name + "/initialized", s.initialized ? 1L : 0L);
            out.put(name + "/m", s.m.storage());
            out.put(name + "/v", s.v.storage());
            if (s.left != null) {
                s.left.save(out, name + "/L");
            }
            if (s.right != null) {
                s.right.save(out, name + "/R");
            }
        });
    }

    @Override
    public void loadState(OptimizerState.Scope in) {
        states.clear();
        for (String name : in.parameterNames()) {
            long rows = in.longValue(name + "/rows");
            long cols = in.longValue(name + "/cols");
            ParamState s = create(rows, cols, cols > 1); // vectors are stored as n x 1
            s.t = in.longValue(name + "/t");
            s.initialized = in.longValue(name + "/initialized") == 1L;
            s.m.storage().assign(in.tensor(name + "/m", rows, cols));
            s.v.storage().assign(in.tensor(name + "/v", rows, cols));
            if (s.left != null) {
                s.left.load(in, name + "/L");
            }
            if (s.right != null) {
                s.right.load(in, name + "/R");
            }
            states.put(name, s);
        }
    }

    @Override
    public List<FactorDiagnostics> diagnostics() {
        List<FactorDiagnostics> out = new ArrayList<>();
        states.forEach((name, s) -> {
            if (s.left != null) {
                out.add(diagnostics(name, "L", s.left));
            }
            if (s.right != null) {
                out.add(diagnostics(name, "R", s.right));
            }
        });
        return out;
    }

    private static FactorDiagnostics diagnostics(String name, String which, SoapBasis b) {
        return new FactorDiagnostics(name, which, b.size(), DenseLinearAlgebra.orthogonalityError(b.storedBasis()),
                b.last().minEigenvalue(), b.last().maxEigenvalue(), 1.0, b.last().step());
    }

    @Override
    public long stateBytes() {
        return states.values().stream().mapToLong(s -> s.m.bytes() + s.v.bytes()
                + (s.left == null ? 0 : s.left.bytes()) + (s.right == null ? 0 : s.right.bytes())).sum();
    }
}
