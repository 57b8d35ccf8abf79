package dev.spectra.optim.spectral;

import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Element access to the native buffer of a dense fp32/fp64 array, for the fused elementwise
 * loops of the spectral updates (building a rotation from a Gram matrix, scaling by damped
 * roots). One Java pass over the buffer replaces the half-dozen ND4J broadcast and masking ops
 * the same formula would otherwise take, with no temporaries. Indices are buffer positions, so
 * callers must know the array's ordering.
 */
abstract class Cells {

    abstract double get(int i);

    abstract void set(int i, double v);

    static Cells of(INDArray a) {
        if (a.offset() != 0 || a.data().length() != a.length()) {
            throw new IllegalArgumentException("fused loops need a dense array, not a view");
        }
        if (a.dataType() == DataType.FLOAT) {
            return new Floats(a.data().asNioFloat());
        }
        if (a.dataType() == DataType.DOUBLE) {
            return new Doubles(a.data().asNioDouble());
        }
        throw new IllegalArgumentException("fused loops run in FLOAT or DOUBLE, got " + a.dataType());
    }

    private static final class Floats extends Cells {
        private final FloatBuffer b;

        Floats(FloatBuffer b) {
            this.b = b;
        }

        @Override
        double get(int i) {
            return b.get(i);
        }

        @Override
        void set(int i, double v) {
            b.put(i, (float) v);
        }
    }

    private static final class Doubles extends Cells {
        private final DoubleBuffer b;

        Doubles(DoubleBuffer b) {
            this.b = b;
        }

        @Override
        double get(int i) {
            return b.get(i);
        }

        @Override
        void set(int i, double v) {
            b.put(i, v);
        }
    }
}
