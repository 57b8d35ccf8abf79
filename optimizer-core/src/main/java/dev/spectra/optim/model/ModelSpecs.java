package dev.spectra.optim.model;

import dev.spectra.optim.config.ConfigViolation;
import dev.spectra.optim.config.InvalidConfigException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.nd4j.shade.jackson.core.JsonProcessingException;
import org.nd4j.shade.jackson.databind.ObjectMapper;

/**
 * Builds a {@link ModelSpec} from the loosely typed {@code model} object of a job spec (parsed
 * JSON). Unknown types, unknown fields, wrong types and invalid values are all reported in one
 * {@link InvalidConfigException}, each violation naming its field ({@code hiddenSizes[1]},
 * {@code convBlocks[0].kernel}). Fields left out take the preset's defaults.
 */
public final class ModelSpecs {

    public static final List<String> TYPES = List.of(MlpSpec.TYPE, CnnSpec.TYPE, Dl4jJsonSpec.TYPE);

    private ModelSpecs() {
    }

    public static ModelSpec parse(Map<String, ?> spec) {
        if (spec == null) {
            throw InvalidConfigException.single("type", null, "must be one of " + String.join(", ", TYPES));
        }
        Object type = spec.get("type");
        Fields f = new Fields(spec);
        ModelSpec result;
        if (MlpSpec.TYPE.equals(type)) {
            MlpSpec d = MlpSpec.defaults();
            result = f.build(() -> new MlpSpec(f.integer("inputSize", d.inputSize()), f.intList("hiddenSizes", d.hiddenSizes()),
                    f.activation("activation", d.activation()), f.number("dropout", d.dropout()),
                    f.integer("numClasses", d.numClasses())));
        } else if (CnnSpec.TYPE.equals(type)) {
            CnnSpec d = CnnSpec.defaults();
            result = f.build(() -> new CnnSpec(f.integer("height", d.height()), f.integer("width", d.width()),
                    f.integer("channels", d.channels()), f.blocks("convBlocks", d.convBlocks()),
                    f.intList("denseSizes", d.denseSizes()), f.activation("activation", d.activation()),
                    f.number("dropout", d.dropout()), f.integer("numClasses", d.numClasses())));
        } else if (Dl4jJsonSpec.TYPE.equals(type)) {
            result = f.build(() -> new Dl4jJsonSpec(f.json("json")));
        } else {
            throw InvalidConfigException.single("type", type, "must be one of " + String.join(", ", TYPES));
        }
        return result;
    }

    /**
     * Parse, fill in sizes from the data, and check limits - everything the service needs before
     * accepting a job, in one call that reports every problem at once.
     */
    public static ModelSpec resolve(Map<String, ?> spec, int inputSize, int numClasses, ModelLimits limits) {
        ModelSpec s = parse(spec).forData(inputSize, numClasses);
        s.checkLimits(limits);
        return s;
    }

    /** Reads fields off the map, remembering each violation instead of stopping at the first. */
    private static final class Fields {
        private static final ObjectMapper JSON = new ObjectMapper();
        private final Map<String, ?> spec;
        private final Set<String> read = new HashSet<>(Set.of("type"));
        private final List<ConfigViolation> violations = new ArrayList<>();

        Fields(Map<String, ?> spec) {
            this.spec = spec;
        }

        ModelSpec build(java.util.function.Supplier<ModelSpec> constructor) {
            ModelSpec built = null;
            try {
                built = constructor.get();
            } catch (InvalidConfigException e) {
                for (ConfigViolation v : e.violations()) {
                    if (violations.stream().noneMatch(o -> o.field().equals(v.field()))) {
                        violations.add(v);
                    }
                }
            } catch (RuntimeException e) {
                if (violations.isEmpty()) {
                    throw e;
                }
            }
            Set<String> unknown = new TreeSet<>(spec.keySet());
            unknown.removeAll(read);
            for (String key : unknown) {
                violations.add(new ConfigViolation(key, spec.get(key), "is not a field of model type " + spec.get("type")
                        + " (known: " + String.join(", ", new TreeSet<>(read)) + ")"));
            }
            if (!violations.isEmpty()) {
                throw new InvalidConfigException("model", violations);
            }
            return built;
        }

        int integer(String key, int dflt) {
            read.add(key);
            return spec.containsKey(key) ? toInt(key, spec.get(key), dflt) : dflt;
        }

        double number(String key, double dflt) {
            read.add(key);
            if (!spec.containsKey(key)) {
                return dflt;
            }
            Object v = spec.get(key);
            if (v instanceof Number n) {
                return n.doubleValue();
            }
            violations.add(new ConfigViolation(key, v, "must be a number"));
            return dflt;
        }

        ActivationFunction activation(String key, ActivationFunction dflt) {
            read.add(key);
            if (!spec.containsKey(key)) {
                return dflt;
            }
            Object v = spec.get(key);
            if (v instanceof String s) {
                for (ActivationFunction a : ActivationFunction.values()) {
                    if (a.name().equalsIgnoreCase(s.trim().replace("-", "").replace("_", ""))) {
                        return a;
                    }
                }
            }
            violations.add(new ConfigViolation(key, v, "must be one of " + List.of(ActivationFunction.values())
                    .toString().toLowerCase(Locale.ROOT).replace("[", "").replace("]", "")));
            return dflt;
        }

        /** The list under {@code key}; null if absent or not a list (then a violation is recorded). */
        private List<?> list(String key, String expected) {
            read.add(key);
            if (!spec.containsKey(key)) {
                return null;
            }
            if (spec.get(key) instanceof List<?> list) {
                return list;
            }
            violations.add(new ConfigViolation(key, spec.get(key), expected));
            return null;
        }

        List<Integer> intList(String key, List<Integer> dflt) {
            List<?> list = list(key, "must be a list of integers");
            if (list == null) {
                return dflt;
            }
            List<Integer> out = new ArrayList<>(list.size());
            for (int i = 0; i < list.size(); i++) {
                out.add(toInt(key + "[" + i + "]", list.get(i), 1));
            }
            return out;
        }

        List<ConvBlock> blocks(String key, List<ConvBlock> dflt) {
            List<?> list = list(key, "must be a list of {channels, kernel, stride, pool} objects");
            if (list == null) {
                return dflt;
            }
            List<ConvBlock> out = new ArrayList<>(list.size());
            for (int i = 0; i < list.size(); i++) {
                String prefix = key + "[" + i + "].";
                if (!(list.get(i) instanceof Map<?, ?> m)) {
                    violations.add(new ConfigViolation(key + "[" + i + "]", list.get(i),
                            "must be an object {channels, kernel, stride, pool}"));
                    continue;
                }
                for (Object k : m.keySet()) {
                    if (!Set.of("channels", "kernel", "stride", "pool").contains(k)) {
                        violations.add(new ConfigViolation(prefix + k, m.get(k),
                                "is not a field of a conv block (known: channels, kernel, pool, stride)"));
                    }
                }
                int channels = m.containsKey("channels") ? toInt(prefix + "channels", m.get("channels"), 1) : 32;
                int kernel = m.containsKey("kernel") ? toInt(prefix + "kernel", m.get("kernel"), 1) : 3;
                int stride = m.containsKey("stride") ? toInt(prefix + "stride", m.get("stride"), 1) : 1;
                int pool = m.containsKey("pool") ? toInt(prefix + "pool", m.get("pool"), 0) : 0;
                try {
                    out.add(new ConvBlock(channels, kernel, stride, pool));
                } catch (InvalidConfigException e) {
                    for (ConfigViolation v : e.violations()) {
                        violations.add(new ConfigViolation(prefix + v.field(), v.value(), v.message()));
                    }
                }
            }
            return out.isEmpty() && !list.isEmpty() ? dflt : out;
        }

        /** The DL4J configuration, as a JSON string or as an embedded JSON object. */
        String json(String key) {
            read.add(key);
            Object v = spec.get(key);
            if (v instanceof String s) {
                return s;
            }
            if (v instanceof Map<?, ?> m) {
                try {
                    return JSON.writeValueAsString(m);
                } catch (JsonProcessingException e) {
                    violations.add(new ConfigViolation(key, "(object)", "cannot be written back as JSON: " + e.getOriginalMessage()));
                    return null;
                }
            }
            violations.add(new ConfigViolation(key, v == null ? null : v.getClass().getSimpleName(),
                    "must be the DL4J configuration as a JSON string or object"));
            return null;
        }

        private int toInt(String field, Object v, int dflt) {
            if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte
                    || (v instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue()))) {
                long l = ((Number) v).longValue();
                if (l >= Integer.MIN_VALUE && l <= Integer.MAX_VALUE) {
                    return (int) l;
                }
            }
            violations.add(new ConfigViolation(field, v, "must be an integer"));
            return dflt;
        }
    }
}
