package dev.spectra.service.web;

import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;

/**
 * An error with a stable machine-readable {@code code}, rendered as RFC 9457
 * {@code application/problem+json} by {@link ProblemResponses}. Codes are part of the API
 * contract: clients branch on them, so never rename one.
 */
public class ApiException extends RuntimeException {

    private final HttpStatus status;
    private final String code;
    private final String title;
    private final List<FieldError> errors;
    private final Map<String, Object> properties;

    public ApiException(HttpStatus status, String code, String title, String detail,
                        List<FieldError> errors, Map<String, Object> properties) {
        super(detail);
        this.status = status;
        this.code = code;
        this.title = title;
        this.errors = errors == null ? List.of() : List.copyOf(errors);
        this.properties = properties == null ? Map.of() : Map.copyOf(properties);
    }

    public ApiException(HttpStatus status, String code, String title, String detail) {
        this(status, code, title, detail, null, null);
    }

    /** 400 listing every bad field of a request body. */
    public static ApiException invalid(String code, String title, List<FieldError> errors) {
        String detail = errors.size() == 1
                ? errors.get(0).field() + " " + errors.get(0).message()
                : errors.size() + " fields are invalid: " + String.join(", ", errors.stream().map(FieldError::field).toList());
        return new ApiException(HttpStatus.BAD_REQUEST, code, title, detail, errors, null);
    }

    public static ApiException badRequest(String code, String detail) {
        return new ApiException(HttpStatus.BAD_REQUEST, code, "Bad request", detail);
    }

    public static ApiException notFound(String code, String detail) {
        return new ApiException(HttpStatus.NOT_FOUND, code, "Not found", detail);
    }

    public static ApiException conflict(String code, String detail, Map<String, Object> properties) {
        return new ApiException(HttpStatus.CONFLICT, code, "Conflict", detail, null, properties);
    }

    public HttpStatus status() {
        return status;
    }

    public String code() {
        return code;
    }

    public String title() {
        return title;
    }

    public List<FieldError> errors() {
        return errors;
    }

    public Map<String, Object> properties() {
        return properties;
    }
}
