package dev.spectra.service.auth;

import jakarta.servlet.http.HttpServletRequest;
import java.util.Set;
import java.util.UUID;

/**
 * Who a request comes from: the token that authenticated it and the tenant it acts for. Set by
 * {@link BearerAuthFilter} as a request attribute before any controller runs.
 *
 * @param tokenId null when authentication is switched off
 */
public record Caller(UUID tokenId, String tokenName, String tenant, Set<Scope> scopes) {

    static final String ATTRIBUTE = Caller.class.getName();

    /** The caller when {@code spectra.auth.enabled=false}: the default tenant, every scope. */
    public static final Caller UNAUTHENTICATED = new Caller(null, "auth-disabled", "default", Set.of(Scope.ADMIN));

    public boolean has(Scope scope) {
        return scopes.contains(scope) || scopes.contains(Scope.ADMIN);
    }

    /** The caller of a request under {@code /api/}; fails loudly if the filter did not run. */
    public static Caller of(HttpServletRequest request) {
        Object c = request.getAttribute(ATTRIBUTE);
        if (c instanceof Caller caller) {
            return caller;
        }
        throw new IllegalStateException("no authenticated caller on " + request.getRequestURI());
    }
}
