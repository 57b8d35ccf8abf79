package dev.spectra.service.auth;

import java.util.Set;

/**
 * The scope each API request needs: the one table of who may call what (the README's scopes
 * table mirrors it). Tenant isolation is separate: every query is scoped by the caller's tenant
 * ({@link dev.spectra.service.web.CallerTenant}), so another tenant's job is simply not found.
 */
public final class EndpointScopes {

    private EndpointScopes() {
    }

    /** Any of these scopes suffices ({@link Scope#ADMIN} always does). */
    public static Set<Scope> required(String method, String path) {
        if (path.startsWith("/api/v1/tokens") || path.startsWith("/api/v1/audit")) {
            return Set.of(Scope.ADMIN);
        }
        if (path.equals("/api/v1/workers") || path.startsWith("/api/v1/workers/")) {
            // The fleet view names other tenants' running jobs: operators and workers only.
            return Set.of(Scope.WORKER);
        }
        boolean read = method.equals("GET") || method.equals("HEAD") || method.equals("OPTIONS");
        return Set.of(read ? Scope.JOBS_READ : Scope.JOBS_WRITE);
    }
}
