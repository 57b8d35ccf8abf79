package dev.spectra.optim.config;

import java.util.ArrayList;
import java.util.List;

/**
 * Collects violations while a config record validates itself in its compact constructor, so one
 * exception reports every bad field:
 *
 * <pre>{@code
 * Checks.of("kron-spectral").positive("lr", lr).openClosed("beta2", beta2, 0, 1).throwIfAny();
 * }</pre>
 *
 * Non-finite numbers (NaN, infinities) fail every numeric check.
 */
public final class Checks {

    private final String subject;
    private final List<ConfigViolation> violations = new ArrayList<>();

    private Checks(String subject) {
        this.subject = subject;
    }

    public static Checks of(String subject) {
        return new Checks(subject);
    }

    public Checks positive(String field, double v) {
        return check(Double.isFinite(v) && v > 0, field, v, "must be > 0");
    }

    public Checks nonNegative(String field, double v) {
        return check(Double.isFinite(v) && v >= 0, field, v, "must be >= 0");
    }

    public Checks positive(String field, long v) {
        return check(v > 0, field, v, "must be > 0");
    }

    public Checks nonNegative(String field, long v) {
        return check(v >= 0, field, v, "must be >= 0");
    }

    public Checks atMost(String field, long v, long max) {
        return check(v <= max, field, v, "must be <= " + max);
    }

    /** {@code lo < v <= hi}. */
    public Checks openClosed(String field, double v, double lo, double hi) {
        return check(Double.isFinite(v) && v > lo && v <= hi, field, v, "must be in (" + fmt(lo) + ", " + fmt(hi) + "]");
    }

    /** {@code lo <= v < hi}. */
    public Checks closedOpen(String field, double v, double lo, double hi) {
        return check(Double.isFinite(v) && v >= lo && v < hi, field, v, "must be in [" + fmt(lo) + ", " + fmt(hi) + ")");
    }

    /** {@code lo <= v <= hi}. */
    public Checks closed(String field, double v, double lo, double hi) {
        return check(Double.isFinite(v) && v >= lo && v <= hi, field, v, "must be in [" + fmt(lo) + ", " + fmt(hi) + "]");
    }

    /** {@code lo < v < hi}. */
    public Checks open(String field, double v, double lo, double hi) {
        return check(Double.isFinite(v) && v > lo && v < hi, field, v, "must be in (" + fmt(lo) + ", " + fmt(hi) + ")");
    }

    public Checks notNull(String field, Object v) {
        return check(v != null, field, null, "must be set");
    }

    public Checks check(boolean ok, String field, Object value, String message) {
        if (!ok) {
            violations.add(new ConfigViolation(field, value, message));
        }
        return this;
    }

    public List<ConfigViolation> violations() {
        return List.copyOf(violations);
    }

    public void throwIfAny() {
        if (!violations.isEmpty()) {
            throw new InvalidConfigException(subject, violations);
        }
    }

    private static String fmt(double d) {
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
    }
}
