package dev.spectra.optim.train;

import dev.spectra.optim.config.InvalidConfigException;
import java.util.Locale;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * Precision a DL4J network computes in. DL4J runs FLOAT, DOUBLE and HALF networks (not BFLOAT16:
 * low-precision optimizer <em>state</em> is a separate choice, {@link dev.spectra.optim.StateDtype}).
 * On the CPU backend fp16 products run through a slow generic loop, so {@link #FLOAT16} is for
 * backends that do it well (CUDA), not for speed here.
 */
public enum NetworkDtype {
    FLOAT32(DataType.FLOAT, "float32", "float", "fp32", "f32"),
    FLOAT64(DataType.DOUBLE, "float64", "double", "fp64", "f64"),
    FLOAT16(DataType.HALF, "float16", "half", "fp16", "f16");

    private final DataType dataType;
    private final String[] spellings;

    NetworkDtype(DataType dataType, String... spellings) {
        this.dataType = dataType;
        this.spellings = spellings;
    }

    public DataType dataType() {
        return dataType;
    }

    public String specName() {
        return spellings[0];
    }

    public static NetworkDtype of(DataType type) {
        for (NetworkDtype d : values()) {
            if (d.dataType == type) {
                return d;
            }
        }
        throw InvalidConfigException.single("networkDtype", String.valueOf(type),
                "must be one of float32, float64, float16 (DL4J networks do not run in other types)");
    }

    /** Parses any accepted spelling, case-insensitive (float32/float/fp32, float64/double, float16/half/fp16). */
    public static NetworkDtype parse(String text) {
        if (text != null) {
            String t = text.trim().toLowerCase(Locale.ROOT);
            for (NetworkDtype d : values()) {
                for (String s : d.spellings) {
                    if (s.equals(t)) {
                        return d;
                    }
                }
            }
        }
        throw InvalidConfigException.single("networkDtype", text,
                "must be one of float32, float64, float16 (DL4J networks do not run in bfloat16;"
                        + " use the optimizer's stateDtype for low-precision state)");
    }

    @Override
    public String toString() {
        return specName();
    }
}
