package dev.spectra.service.auth;

import dev.spectra.service.audit.AuditLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * A worker process that runs apart from the API (spectra.api.enabled=false, worker enabled) talks
 * to PostgreSQL directly, so database credentials are its real key; on top of that it must hold
 * a live token with scope {@code worker} (or {@code admin}), checked against the tokens table
 * before the worker registers. Revoking that token keeps such workers from starting, and the
 * registration is audited with the token's name. Fails start-up with a message saying what to set.
 */
@Component
@ConditionalOnBooleanProperty(name = "spectra.worker.enabled", matchIfMissing = true)
public class WorkerAuthentication implements InitializingBean {

    private static final Logger log = LoggerFactory.getLogger(WorkerAuthentication.class);

    private final AuthProperties props;
    private final ApiTokens tokens;
    private final boolean apiEnabled;
    private final AuditLog audit;

    public WorkerAuthentication(AuthProperties props, ApiTokens tokens, BootstrapToken bootstrap,
                                Environment env, AuditLog audit) {
        // bootstrap is a parameter so that the configured token is in the table before it is checked
        this.props = props;
        this.tokens = tokens;
        this.apiEnabled = env.getProperty("spectra.api.enabled", Boolean.class, true);
        this.audit = audit;
    }

    @Override
    public void afterPropertiesSet() {
        if (apiEnabled || !props.enabled()) {
            // In the API process the worker shares the API's configuration and database: nothing to prove.
            return;
        }
        String token = props.effectiveWorkerToken();
        if (token == null) {
            throw new IllegalStateException("This worker runs without the API (spectra.api.enabled=false) and needs a token "
                    + "with scope 'worker': set SPECTRA_WORKER_TOKEN (create one with POST /api/v1/tokens "
                    + "{\"name\": \"workers\", \"tenant\": \"default\", \"scopes\": [\"worker\"]})");
        }
        Caller caller = tokens.authenticate(token.strip()).orElseThrow(() -> new IllegalStateException(
                "The worker token (SPECTRA_WORKER_TOKEN or SPECTRA_BOOTSTRAP_TOKEN) is unknown, revoked or expired"));
        if (!caller.has(Scope.WORKER)) {
            throw new IllegalStateException("The worker token '" + caller.tokenName() + "' lacks scope 'worker'");
        }
        audit.record(caller, "worker.authenticated", null, null);
        log.info("Worker authenticated with token '{}' ({})", caller.tokenName(), caller.tokenId());
    }
}
