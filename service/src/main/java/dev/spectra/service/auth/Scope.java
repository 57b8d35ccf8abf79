package dev.spectra.service.auth;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** What a token may do. {@link #ADMIN} implies every other scope. */
public enum Scope {
    /** read jobs, their events, metrics, streams and models, and datasets */
    JOBS_READ("jobs:read"),
    /** submit and cancel jobs, upload datasets */
    JOBS_WRITE("jobs:write"),
    /** a worker process running apart from the API; may also list workers */
    WORKER("worker"),
    /** create, list and revoke tokens, read the audit log, list workers; implies all scopes */
    ADMIN("admin");

    private final String value;

    Scope(String value) {
        this.value = value;
    }

    public String value() {
        return value;
    }

    public static Optional<Scope> parse(String s) {
        return Arrays.stream(values()).filter(v -> v.value.equals(s)).findFirst();
    }

    public static List<String> names() {
        return Arrays.stream(values()).map(Scope::value).toList();
    }
}
