package dev.spectra.optim.config;

/**
 * One invalid configuration field.
 *
 * @param field   the field name as it appears in the config record and job spec, e.g. {@code beta2}
 * @param value   the rejected value as given (may be null)
 * @param message what the field must satisfy, e.g. {@code must be in (0, 1]}
 */
public record ConfigViolation(String field, Object value, String message) {

    /** Human-readable form naming the field and the value: {@code beta2 must be in (0, 1] but was 1.5}. */
    public String describe() {
        return field + " " + message + " but was " + render(value);
    }

    private static String render(Object v) {
        return v instanceof String s ? "'" + s + "'" : String.valueOf(v);
    }
}
