package dev.spectra.optim.muon;

import dev.spectra.optim.TensorLayout;
import java.util.Locale;

/**
 * How Muon scales the orthogonalized update of a weight with {@code fanIn} inputs and
 * {@code fanOut} outputs.
 *
 * <p>DL4J lays weights out differently from PyTorch: a dense W is {@code [nIn, nOut]} (PyTorch:
 * [out, in]) while a conv kernel is {@code [out, in, kh, kw]} as in PyTorch. Muon's rule is written
 * for PyTorch's [out, in], so the fans are read per layout rather than as rows/cols.
 */
public enum ShapeScale {
    /** Keller Jordan's rule {@code sqrt(max(1, fanOut / fanIn))}: unit spectral norm per input. */
    SPECTRAL,
    /** Moonlight's {@code 0.2 sqrt(max(fanIn, fanOut))}: update RMS ~0.2 like AdamW, so AdamW's lr carries over. */
    RMS_MATCH,
    /** No scaling. */
    NONE;

    /** The multiplier for a parameter of this layout (a matrix). */
    public double factor(TensorLayout layout) {
        long fanIn;
        long fanOut;
        if (layout.shape().length == 2) {
            fanIn = layout.rows();   // DL4J dense [nIn, nOut]
            fanOut = layout.cols();
        } else {
            fanOut = layout.rows();  // conv [out, in, kh, kw] seen as (out, in*kh*kw)
            fanIn = layout.cols();
        }
        return switch (this) {
            case SPECTRAL -> Math.sqrt(Math.max(1.0, (double) fanOut / fanIn));
            case RMS_MATCH -> 0.2 * Math.sqrt(Math.max(fanIn, fanOut));
            case NONE -> 1.0;
        };
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
