package dev.spectra.service.jobs.spec;

import dev.spectra.service.web.FieldError;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import tools.jackson.databind.JsonNode;

/**
 * Reads one JSON object of a request field by field, collecting every problem instead of
 * stopping at the first, with the field's full path ({@code training.epochs}). Each accessor
 * returns the default (or null) for a bad value so reading can continue. Unknown keys are
 * reported by {@link #rejectUnknown()}: a typo must not silently fall back to a default.
 */
final class FieldReader {

    private final String path;
    private final JsonNode node;
    private final List<FieldError> errors;
    private final Set<String> known = new LinkedHashSet<>();

    FieldReader(String path, JsonNode node, List<FieldError> errors) {
        this.path = path;
        this.node = node;
        this.errors = errors;
    }

    /** Reads {@code name} of {@code parent} as an object; null (with an error if required) when absent or not an object. */
    static FieldReader object(String path, JsonNode value, boolean required, List<FieldError> errors) {
        if (value == null || value.isMissingNode() || value.isNull()) {
            if (required) {
                errors.add(FieldError.of(path, "is required"));
            }
            return null;
        }
        if (!value.isObject()) {
            errors.add(new FieldError(path, "must be an object", echo(value)));
            return null;
        }
        return new FieldReader(path, value, errors);
    }

    String path(String name) {
        return path.isEmpty() ? name : path + "." + name;
    }

    JsonNode raw(String name) {
        known.add(name);
        JsonNode v = node.get(name);
        return v == null || v.isNull() ? null : v;
    }

    boolean has(String name) {
        return raw(name) != null;
    }

    void error(String name, String message, JsonNode value) {
        errors.add(new FieldError(path(name), message, value == null ? null : echo(value)));
    }

    FieldReader object(String name, boolean required) {
        return object(path(name), raw(name), required, errors);
    }

    String string(String name, String dflt, int maxLength, boolean required) {
        JsonNode v = raw(name);
        if (v == null) {
            if (required) {
                errors.add(FieldError.of(path(name), "is required"));
            }
            return dflt;
        }
        if (!v.isString()) {
            error(name, "must be a string", v);
            return dflt;
        }
        String s = v.asString();
        if (s.length() > maxLength) {
            errors.add(new FieldError(path(name), "must be at most " + maxLength + " characters", s.substring(0, 40) + "..."));
            return dflt;
        }
        return s;
    }

    String choice(String name, String dflt, Set<String> allowed, boolean required) {
        String s = string(name, null, 100, required);
        if (s == null) {
            return dflt;
        }
        if (!allowed.contains(s)) {
            errors.add(new FieldError(path(name), "must be one of " + String.join(", ", allowed), s));
            return dflt;
        }
        return s;
    }

    long integer(String name, long dflt, long min, long max) {
        JsonNode v = raw(name);
        if (v == null) {
            return dflt;
        }
        if (!v.isIntegralNumber() && !(v.isNumber() && v.asDouble() == Math.rint(v.asDouble()))) {
            error(name, "must be an integer", v);
            return dflt;
        }
        if (v.isBigInteger() || (v.isFloatingPointNumber() && Math.abs(v.asDouble()) > 9e15)) {
            error(name, "must be in [" + min + ", " + max + "]", v);
            return dflt;
        }
        long l = v.asLong();
        if (l < min || l > max) {
            error(name, l < min ? "must be >= " + min : "must be <= " + max, v);
            return dflt;
        }
        return l;
    }

    int intValue(String name, int dflt, int min, int max) {
        return (int) integer(name, dflt, min, max);
    }

    /** A finite number in {@code [min, max]} ({@code (min, max]} when {@code minExclusive}). */
    double number(String name, double dflt, double min, boolean minExclusive, double max) {
        JsonNode v = raw(name);
        if (v == null) {
            return dflt;
        }
        if (!v.isNumber()) {
            error(name, "must be a number", v);
            return dflt;
        }
        double d = v.asDouble();
        boolean ok = Double.isFinite(d) && (minExclusive ? d > min : d >= min) && d <= max;
        if (!ok) {
            error(name, "must be in " + (minExclusive ? "(" : "[") + fmt(min) + ", " + fmt(max) + "]", v);
            return dflt;
        }
        return d;
    }

    /** A non-empty list of integers, each in {@code [min, max]}, at most {@code maxItems} long. */
    List<Integer> intList(String name, List<Integer> dflt, int minItems, int maxItems, int min, int max) {
        JsonNode v = raw(name);
        if (v == null) {
            return dflt;
        }
        if (!v.isArray()) {
            error(name, "must be an array of integers", v);
            return dflt;
        }
        if (v.size() < minItems || v.size() > maxItems) {
            errors.add(new FieldError(path(name), "must have between " + minItems + " and " + maxItems + " entries",
                    v.size() + " entries"));
            return dflt;
        }
        List<Integer> out = new ArrayList<>();
        boolean ok = true;
        for (int i = 0; i < v.size(); i++) {
            JsonNode e = v.get(i);
            String p = path(name) + "[" + i + "]";
            if (!e.isIntegralNumber() || e.isBigInteger()) {
                errors.add(new FieldError(p, "must be an integer", echo(e)));
                ok = false;
            } else if (e.asLong() < min || e.asLong() > max) {
                errors.add(new FieldError(p, e.asLong() < min ? "must be >= " + min : "must be <= " + max, e.asLong()));
                ok = false;
            } else {
                out.add(e.asInt());
            }
        }
        return ok ? List.copyOf(out) : dflt;
    }

    /** Reports every key of this object that no accessor asked for. */
    void rejectUnknown() {
        for (String name : node.propertyNames()) {
            if (!known.contains(name)) {
                errors.add(new FieldError(path(name), "is not a known field (known: "
                        + String.join(", ", new TreeSet<>(known)) + ")", null));
            }
        }
    }

    JsonNode node() {
        return node;
    }

    /** A short, safe echo of a rejected value: scalars as-is, containers summarized. */
    static Object echo(JsonNode v) {
        if (v.isNumber()) {
            return v.numberValue();
        }
        if (v.isBoolean()) {
            return v.asBoolean();
        }
        if (v.isString()) {
            String s = v.asString();
            return s.length() > 80 ? s.substring(0, 80) + "..." : s;
        }
        return v.isArray() ? "array" : v.isObject() ? "object" : v.toString();
    }

    private static String fmt(double d) {
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
    }
}
