package dev.spectra.service.web;

import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.web.HttpMediaTypeNotAcceptableException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.MissingRequestHeaderException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.async.AsyncRequestNotUsableException;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.resource.NoResourceFoundException;

/**
 * Renders every error of the REST API as RFC 9457 problem+json with a stable {@code code}
 * (and {@code errors} for field problems). Nothing a client sends produces a bare 500: parse and
 * binding failures are 4xx naming the parameter; database outages are 503.
 */
@RestControllerAdvice
public class ProblemResponses {

    private static final Logger log = LoggerFactory.getLogger(ProblemResponses.class);
    public static final MediaType PROBLEM_JSON = MediaType.APPLICATION_PROBLEM_JSON;

    @ExceptionHandler(ApiException.class)
    ResponseEntity<ProblemDetail> api(ApiException e, HttpServletRequest req) {
        ProblemDetail p = problem(e.status(), e.code(), e.title(), e.getMessage(), req);
        if (!e.errors().isEmpty()) {
            p.setProperty("errors", e.errors());
        }
        e.properties().forEach(p::setProperty);
        return respond(p);
    }

    @ExceptionHandler(HttpMessageNotReadableException.class)
    ResponseEntity<ProblemDetail> unreadable(HttpMessageNotReadableException e, HttpServletRequest req) {
        for (Throwable t = e; t != null && t.getCause() != t; t = t.getCause()) {
            if (t instanceof RequestSizeLimitFilter.BodyTooLargeException) {
                return respond(problem(HttpStatus.CONTENT_TOO_LARGE, "payload-too-large", "Payload too large",
                        t.getMessage(), req));
            }
        }
        String msg = e.getMostSpecificCause().getMessage();
        if (msg != null) {
            // Jackson appends the source location; keep the first line, which says what is wrong.
            msg = msg.lines().findFirst().orElse(msg);
            if (msg.length() > 300) {
                msg = msg.substring(0, 300) + "...";
            }
        }
        return respond(problem(HttpStatus.BAD_REQUEST, "malformed-json", "Malformed request body",
                "The request body is not valid JSON: " + msg, req));
    }

    @ExceptionHandler(MethodArgumentTypeMismatchException.class)
    ResponseEntity<ProblemDetail> typeMismatch(MethodArgumentTypeMismatchException e, HttpServletRequest req) {
        ProblemDetail p = problem(HttpStatus.BAD_REQUEST, "invalid-parameter", "Invalid parameter",
                e.getName() + " is not a valid " + (e.getRequiredType() == null ? "value" : e.getRequiredType().getSimpleName()), req);
        p.setProperty("errors", List.of(new FieldError(e.getName(), "is not a valid value", String.valueOf(e.getValue()))));
        return respond(p);
    }

    @ExceptionHandler(MissingServletRequestParameterException.class)
    ResponseEntity<ProblemDetail> missingParam(MissingServletRequestParameterException e, HttpServletRequest req) {
        return respond(problem(HttpStatus.BAD_REQUEST, "missing-parameter", "Missing parameter",
                "query parameter " + e.getParameterName() + " is required", req));
    }

    @ExceptionHandler(MissingRequestHeaderException.class)
    ResponseEntity<ProblemDetail> missingHeader(MissingRequestHeaderException e, HttpServletRequest req) {
        return respond(problem(HttpStatus.BAD_REQUEST, "missing-header", "Missing header",
                "header " + e.getHeaderName() + " is required", req));
    }

    @ExceptionHandler(HttpMediaTypeNotSupportedException.class)
    ResponseEntity<ProblemDetail> mediaType(HttpMediaTypeNotSupportedException e, HttpServletRequest req) {
        return respond(problem(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "unsupported-media-type", "Unsupported media type",
                "Content-Type " + e.getContentType() + " is not accepted here; use one of " + e.getSupportedMediaTypes(), req));
    }

    @ExceptionHandler(HttpMediaTypeNotAcceptableException.class)
    ResponseEntity<ProblemDetail> notAcceptable(HttpMediaTypeNotAcceptableException e, HttpServletRequest req) {
        return respond(problem(HttpStatus.NOT_ACCEPTABLE, "not-acceptable", "Not acceptable",
                "This resource can be served as " + e.getSupportedMediaTypes(), req));
    }

    @ExceptionHandler(HttpRequestMethodNotSupportedException.class)
    ResponseEntity<ProblemDetail> method(HttpRequestMethodNotSupportedException e, HttpServletRequest req) {
        return respond(problem(HttpStatus.METHOD_NOT_ALLOWED, "method-not-allowed", "Method not allowed",
                e.getMethod() + " is not supported here; allowed: " + e.getSupportedHttpMethods(), req));
    }

    @ExceptionHandler(NoResourceFoundException.class)
    ResponseEntity<ProblemDetail> noResource(NoResourceFoundException e, HttpServletRequest req) {
        return respond(problem(HttpStatus.NOT_FOUND, "not-found", "Not found", "No resource at " + req.getRequestURI(), req));
    }

    @ExceptionHandler({DataAccessResourceFailureException.class, TransientDataAccessException.class,
            CannotCreateTransactionException.class})
    ResponseEntity<ProblemDetail> databaseDown(RuntimeException e, HttpServletRequest req) {
        log.warn("Database unavailable for {} {}: {}", req.getMethod(), req.getRequestURI(), e.getMessage());
        return respond(problem(HttpStatus.SERVICE_UNAVAILABLE, "database-unavailable", "Service unavailable",
                "The database is unreachable; retry later", req));
    }

    @ExceptionHandler(AsyncRequestNotUsableException.class)
    void clientGone() {
        // The client of a stream went away; nothing to answer.
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<ProblemDetail> unexpected(Exception e, HttpServletRequest req) {
        log.error("Unexpected error on {} {}", req.getMethod(), req.getRequestURI(), e);
        return respond(problem(HttpStatus.INTERNAL_SERVER_ERROR, "internal-error", "Internal error",
                "An unexpected error occurred; it has been logged", req));
    }

    static ProblemDetail problem(HttpStatus status, String code, String title, String detail, HttpServletRequest req) {
        ProblemDetail p = ProblemDetail.forStatusAndDetail(status, detail);
        p.setType(URI.create("https://spectra.dev/problems/" + code));
        p.setTitle(title);
        p.setInstance(URI.create(req.getRequestURI()));
        p.setProperty("code", code);
        return p;
    }

    static ResponseEntity<ProblemDetail> respond(ProblemDetail p) {
        return ResponseEntity.status(p.getStatus()).contentType(PROBLEM_JSON).body(p);
    }

    /** The same problem body for a filter that answers before MVC (e.g. request size). */
    public static Map<String, Object> bodyOf(HttpStatus status, String code, String title, String detail, String instance) {
        return Map.of("type", "https://spectra.dev/problems/" + code, "title", title, "status", status.value(),
                "detail", detail, "instance", instance, "code", code);
    }
}
