package dev.spectra.optim;

import dev.spectra.optim.config.InvalidConfigException;
import java.util.Locale;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * Precision in which an optimizer stores its state (factors, moments, momentum).
 *
 * <p>On ND4J's CPU backend only fp32/fp64 products reach BLAS; bf16/fp16 {@code mmul} falls back to
 * a generic loop that accumulates in bf16 (~0.3 GFLOP/s against ~60). So the low-precision types
 * are <em>storage</em> types: state is rounded to them after every update, and all arithmetic
 * runs in {@link #computeType()}.
 */
public enum StateDtype {
    FLOAT32(DataType.FLOAT, "float32", "float", "fp32", "f32"),
    FLOAT64(DataType.DOUBLE, "float64", "double", "fp64", "f64"),
    BFLOAT16(DataType.BFLOAT16, "bfloat16", "bf16"),
    FLOAT16(DataType.HALF, "float16", "half", "fp16", "f16");

    private final DataType storage;
    private final String[] spellings;

    StateDtype(DataType storage, String... spellings) {
        this.storage = storage;
        this.spellings = spellings;
    }

    /** The ND4J type the state arrays are stored in. */
    public DataType storageType() {
        return storage;
    }

    /** The ND4J type arithmetic runs in: fp64 for {@link #FLOAT64}, fp32 otherwise. */
    public DataType computeType() {
        return this == FLOAT64 ? DataType.DOUBLE : DataType.FLOAT;
    }

    public boolean isLowPrecision() {
        return this == BFLOAT16 || this == FLOAT16;
    }

    /** The canonical spelling used in job specs and printed configs. */
    public String specName() {
        return spellings[0];
    }

    /**
     * Parses any accepted spelling (case-insensitive): float32/float/fp32, float64/double/fp64,
     * bfloat16/bf16, float16/half/fp16.
     */
    public static StateDtype parse(String text) {
        if (text != null) {
            String t = text.trim().toLowerCase(Locale.ROOT);
            for (StateDtype d : values()) {
                for (String s : d.spellings) {
                    if (s.equals(t)) {
                        return d;
                    }
                }
            }
        }
        throw InvalidConfigException.single(
                "stateDtype", text, "must be one of float32, float64, bfloat16, float16");
    }

    @Override
    public String toString() {
        return specName();
    }
}
