package dev.spectra.service.web;

import dev.spectra.service.auth.Caller;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.stereotype.Component;

/**
 * The tenant a request acts for: the tenant of its bearer token (see
 * {@link dev.spectra.service.auth.BearerAuthFilter}). Every query of jobs and datasets is scoped
 * by it, so another tenant's job or dataset is "not found", never "forbidden".
 */
@Component
public class CallerTenant {

    public static final String DEFAULT = "default";

    public String of(HttpServletRequest request) {
        return Caller.of(request).tenant();
    }
}
