package dev.spectra.optim.config;

import java.util.List;
import java.util.stream.Collectors;

/**
 * A configuration (optimizer, training, dataset) that cannot be used. Carries every violation so
 * that an API can report all bad fields at once; the message names each field and its value.
 */
public class InvalidConfigException extends IllegalArgumentException {

    private final String subject;
    private final List<ConfigViolation> violations;

    public InvalidConfigException(String subject, List<ConfigViolation> violations) {
        super(buildMessage(subject, violations));
        this.subject = subject;
        this.violations = List.copyOf(violations);
    }

    public static InvalidConfigException single(String field, Object value, String message) {
        return new InvalidConfigException(null, List.of(new ConfigViolation(field, value, message)));
    }

    /** What was being configured, e.g. {@code kron-spectral}; may be null. */
    public String subject() {
        return subject;
    }

    public List<ConfigViolation> violations() {
        return violations;
    }

    /** The same violations with every field prefixed, e.g. {@code optimizer.} for a nested spec. */
    public InvalidConfigException prefixed(String prefix) {
        return new InvalidConfigException(subject, violations.stream()
                .map(v -> new ConfigViolation(prefix + v.field(), v.value(), v.message()))
                .toList());
    }

    private static String buildMessage(String subject, List<ConfigViolation> violations) {
        String body = violations.stream().map(ConfigViolation::describe).collect(Collectors.joining("; "));
        return subject == null ? "invalid config: " + body : "invalid " + subject + " config: " + body;
    }
}
