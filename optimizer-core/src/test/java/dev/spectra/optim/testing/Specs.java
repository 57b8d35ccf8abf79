package dev.spectra.optim.testing;

import java.util.HashMap;
import java.util.Map;

/** Loosely typed optimizer specs, as a job spec or the CLI would give them. */
public final class Specs {

    private Specs() {
    }

    /** {@code {"type": type, k1: v1, k2: v2, ...}}. */
    public static Map<String, Object> of(String type, Object... keyValues) {
        Map<String, Object> m = new HashMap<>();
        m.put("type", type);
        for (int i = 0; i < keyValues.length; i += 2) {
            m.put((String) keyValues[i], keyValues[i + 1]);
        }
        return m;
    }
}
