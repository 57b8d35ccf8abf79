package dev.spectra.service.web;

/**
 * One bad field of a request, reported in a problem's {@code errors} list.
 *
 * @param field         path of the field in the request, e.g. {@code training.epochs} or {@code model.hiddenSizes[2]}
 * @param message       what the field must satisfy, e.g. {@code must be <= 1000}
 * @param rejectedValue the value as sent (omitted when absent or too large to echo)
 */
public record FieldError(String field, String message, Object rejectedValue) {

    public static FieldError of(String field, String message) {
        return new FieldError(field, message, null);
    }
}
