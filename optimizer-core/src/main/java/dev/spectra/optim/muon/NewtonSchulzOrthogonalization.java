package dev.spectra.optim.muon;

import dev.spectra.optim.TensorLayout;
import dev.spectra.optim.chain.ParamContext;
import dev.spectra.optim.chain.UpdateTransform;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Muon's core: replaces a matrix update U by an approximation of its polar factor
 * {@code U (U^T U)^(-1/2)} (U V^T of its SVD), computed with a few odd-polynomial Newton-Schulz
 * iterations {@code X <- a X + (b A + c A^2) X}, {@code A = X X^T}, on {@code X = U / ||U||_F}.
 * Runs on the wide orientation (rows <= cols) so the Gram matrix is the small one, then scales by
 * the configured shape factor. Only products: no decomposition, so it is exact in any precision
 * the products run in (here fp32, or fp64 for fp64 state).
 */
public final class NewtonSchulzOrthogonalization implements UpdateTransform {

    private final int steps;
    private final NewtonSchulzCoefficients coefficients;
    private final ShapeScale shapeScale;

    public NewtonSchulzOrthogonalization(int steps, NewtonSchulzCoefficients coefficients, ShapeScale shapeScale) {
        this.steps = steps;
        this.coefficients = coefficients;
        this.shapeScale = shapeScale;
    }

    @Override
    public String name() {
        return "newton-schulz";
    }

    @Override
    public void apply(ParamContext ctx, INDArray update) {
        TensorLayout layout = ctx.layout();
        if (!layout.isMatrix()) {
            throw new IllegalStateException("Newton-Schulz orthogonalization applies to matrices, not " + layout);
        }
        INDArray u = ctx.matrixView(update);
        boolean tall = u.rows() > u.columns();
        long k = Math.min(u.rows(), u.columns());
        long n = Math.max(u.rows(), u.columns());
        var scratch = ctx.scratch();
        INDArray x = scratch.acquire(u.dataType(), 'c', k, n);
        INDArray next = scratch.acquire(u.dataType(), 'c', k, n);
        INDArray gram = scratch.acquire(u.dataType(), 'c', k, k);
        INDArray poly = scratch.acquire(u.dataType(), 'c', k, k);
        x.assign(tall ? u.transpose() : u);
        double norm = x.norm2Number().doubleValue();
        x.muli(1.0 / (norm + 1e-7));
        double a = coefficients.a();
        double b = coefficients.b();
        double c = coefficients.c();
        for (int i = 0; i < steps; i++) {
            Nd4j.gemm(x, x, gram, false, true, 1.0, 0.0);
            Nd4j.gemm(gram, gram, poly, false, false, c, 0.0);
            Nd4j.getBlasWrapper().level1().axpy(gram.length(), b, gram, poly);
            Nd4j.gemm(poly, x, next, false, false, 1.0, 0.0);
            Nd4j.getBlasWrapper().level1().axpy(x.length(), a, x, next);
            INDArray swap = x;
            x = next;
            next = swap;
        }
        double scale = shapeScale.factor(layout);
        u.assign(tall ? x.transpose() : x);
        if (scale != 1.0) {
            u.muli(scale);
        }
    }
}
