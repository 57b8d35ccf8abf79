package dev.spectra.optim;

import dev.spectra.optim.adamw.AdamWConfig;
import dev.spectra.optim.config.ConfigBinder;
import dev.spectra.optim.config.InvalidConfigException;
import dev.spectra.optim.spectral.FullSpectralConfig;
import dev.spectra.optim.spectral.KronSpectralConfig;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The catalogue of optimizers by job-spec name, and the one way to build a config from a loosely
 * typed spec ({@code {"type": "kron-spectral", "lr": 0.01, ...}}): unknown types, unknown fields,
 * wrong types and invalid values all fail with one {@link InvalidConfigException} listing each.
 */
public final class Optimizers {

    private static final Map<String, Supplier<? extends OptimizerConfig>> DEFAULTS = new LinkedHashMap<>();

    static {
        register("adamw", AdamWConfig::defaults);
        register(KronSpectralConfig.TYPE, KronSpectralConfig::defaults);
        register(FullSpectralConfig.TYPE, FullSpectralConfig::defaults);
    }

    private Optimizers() {
    }

    private static void register(String type, Supplier<? extends OptimizerConfig> defaults) {
        DEFAULTS.put(type, defaults);
    }

    /** Every supported {@code type}, in catalogue order. */
    public static Set<String> types() {
        return DEFAULTS.keySet();
    }

    /** The default config of {@code type}. */
    public static OptimizerConfig defaults(String type) {
        Supplier<? extends OptimizerConfig> s = DEFAULTS.get(type);
        if (s == null) {
            throw InvalidConfigException.single("type", type, "must be one of " + String.join(", ", types()));
        }
        return s.get();
    }

    /** Binds a spec map (with a {@code type} key) onto that optimizer's defaults and validates it. */
    public static OptimizerConfig parse(Map<String, ?> spec) {
        Object type = spec.get("type");
        if (!(type instanceof String t) || !DEFAULTS.containsKey(t)) {
            throw InvalidConfigException.single("type", type, "must be one of " + String.join(", ", types()));
        }
        OptimizerConfig defaults = defaults(t);
        Record bound = new ConfigBinder("type").bind(t, (Record) defaults, spec);
        return (OptimizerConfig) bound;
    }

    /** Shorthand for {@code parse(spec).create()}. */
    public static Optimizer create(Map<String, ?> spec) {
        return parse(spec).create();
    }
}
