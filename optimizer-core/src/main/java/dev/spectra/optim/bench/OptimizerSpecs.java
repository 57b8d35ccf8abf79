package dev.spectra.optim.bench;

import dev.spectra.optim.Optimizers;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds the optimizer specs the benchmarks compare, so "same interval" means the same thing for
 * every method: Shampoo's and SOAP's {@code preconditionFrequency}, the spectral optimizers'
 * {@code curvatureInterval}.
 */
final class OptimizerSpecs {

    private OptimizerSpecs() {
    }

    /** The config field holding the preconditioner-update interval of {@code type}, or null if it has none. */
    static String intervalField(String type) {
        return switch (type) {
            case "shampoo", "soap" -> "preconditionFrequency";
            case "kron-spectral", "full-spectral" -> "curvatureInterval";
            default -> null;
        };
    }

    /** {@code type}'s spec with the given interval (where it has one) and extra fields. */
    static Map<String, Object> spec(String type, Integer interval, Map<String, Object> extra) {
        Map<String, Object> spec = new HashMap<>(extra);
        spec.put("type", type);
        String field = intervalField(type);
        if (interval != null && field != null) {
            spec.put(field, interval);
        }
        return spec;
    }

    /** Keeps the registered types, failing on a name that is not an optimizer at all. */
    static List<String> registered(List<String> requested, boolean skipUnavailableSpectral) {
        return requested.stream().filter(t -> {
            if (Optimizers.types().contains(t)) {
                return true;
            }
            if (skipUnavailableSpectral && t.endsWith("-spectral")) {
                return false;
            }
            throw new IllegalArgumentException("unknown optimizer '" + t + "' (known: "
                    + String.join(", ", Optimizers.types()) + ")");
        }).toList();
    }
}
