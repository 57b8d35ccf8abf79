package dev.spectra.service.web;

import jakarta.servlet.http.HttpServletRequest;
import org.springframework.stereotype.Component;

/**
 * The tenant a request acts for. Every query of jobs and datasets is scoped by it, so that
 * bearer-token authentication (issue 5) only has to change this one place. Until then all
 * callers share the {@code default} tenant.
 */
@Component
public class CallerTenant {

    public static final String DEFAULT = "default";

    public String of(HttpServletRequest request) {
        return DEFAULT;
    }
}
