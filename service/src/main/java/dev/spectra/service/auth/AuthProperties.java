package dev.spectra.service.auth;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Authentication of the API and of workers running apart from it ({@code spectra.auth.*}).
 *
 * @param enabled            require a bearer token on {@code /api/}; false makes every request an admin
 *                           of tenant {@code default} (logged as a warning at start)
 * @param bootstrapToken     an admin token taken from configuration (env {@code SPECTRA_BOOTSTRAP_TOKEN});
 *                           only its hash is stored; changing it revokes the previous one
 * @param bootstrapTenant    the tenant the bootstrap token acts for
 * @param bootstrapTokenFile where the embedded-database run keeps the token it generates when no
 *                           bootstrap token is configured (mode 600); default {@code bootstrap-token}
 *                           next to the embedded database directory, i.e. {@code ./spectra-data/bootstrap-token}
 * @param workerToken        token (scope worker or admin) a worker-only process presents before it
 *                           registers (env {@code SPECTRA_WORKER_TOKEN}); defaults to the bootstrap token
 */
@ConfigurationProperties("spectra.auth")
public record AuthProperties(@DefaultValue("true") boolean enabled,
                             String bootstrapToken,
                             @DefaultValue("default") String bootstrapTenant,
                             String bootstrapTokenFile,
                             String workerToken) {

    /** Shortest accepted configured token: anything shorter is guessable. */
    public static final int MIN_TOKEN_LENGTH = 16;

    public boolean hasBootstrapToken() {
        return bootstrapToken != null && !bootstrapToken.isBlank();
    }

    /** The token a worker-only process authenticates with: the worker token, else the bootstrap token. */
    public String effectiveWorkerToken() {
        return workerToken != null && !workerToken.isBlank() ? workerToken : hasBootstrapToken() ? bootstrapToken : null;
    }
}
