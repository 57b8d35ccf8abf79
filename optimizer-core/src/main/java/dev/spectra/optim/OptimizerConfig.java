package dev.spectra.optim;

import dev.spectra.optim.config.ConfigBinder;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A typed, self-validating optimizer configuration. Implementations are records whose compact
 * constructors reject bad values with an {@link dev.spectra.optim.config.InvalidConfigException}
 * naming each field, and which offer a static {@code defaults()}.
 */
public interface OptimizerConfig {

    /** The job-spec name of the optimizer, e.g. {@code kron-spectral}. */
    String type();

    /** Base learning rate (a schedule may scale it per step). */
    double lr();

    /** Precision of the optimizer's stored state. */
    StateDtype stateDtype();

    /** A fresh optimizer with empty state. */
    Optimizer create();

    /** The spec form: {@code type} plus every field, suitable for JSON and for printing. */
    default Map<String, Object> toSpec() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", type());
        if (this instanceof Record r) {
            m.putAll(ConfigBinder.toMap(r));
        }
        return m;
    }
}
