package dev.spectra.service.auth;

import dev.spectra.service.config.DatabaseProperties;
import dev.spectra.service.config.EmbeddedDatabaseProperties;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.stereotype.Component;

/**
 * Puts the bootstrap admin token in place at start-up (after Flyway, before the API or a worker
 * serves anything):
 * <ul>
 *   <li>{@code spectra.auth.bootstrap-token} set: its hash becomes the one active bootstrap token
 *       (a changed value revokes the previous one).</li>
 *   <li>unset on the embedded database (the one-command dev run): the token in
 *       {@code bootstrap-token-file} is used, or one is generated, written there (mode 600) and
 *       logged once, so the API is never open without a token.</li>
 *   <li>unset on an external database: nothing is created; only tokens already in the database
 *       work (a warning says so).</li>
 * </ul>
 */
@Component
public class BootstrapToken implements InitializingBean {

    private static final Logger log = LoggerFactory.getLogger(BootstrapToken.class);

    private final ApiTokens tokens;
    private final AuthProperties props;
    private final DatabaseProperties db;
    private final EmbeddedDatabaseProperties embedded;

    public BootstrapToken(ApiTokens tokens, AuthProperties props, DatabaseProperties db, EmbeddedDatabaseProperties embedded) {
        this.tokens = tokens;
        this.props = props;
        this.db = db;
        this.embedded = embedded;
    }

    @Override
    public void afterPropertiesSet() {
        if (!props.enabled()) {
            log.warn("spectra.auth.enabled=false: the API accepts every request as an admin of tenant 'default'. "
                    + "Never run like this where anyone else can reach the port.");
            return;
        }
        if (props.hasBootstrapToken()) {
            String token = props.bootstrapToken().strip();
            if (token.length() < AuthProperties.MIN_TOKEN_LENGTH) {
                throw new IllegalStateException("spectra.auth.bootstrap-token (SPECTRA_BOOTSTRAP_TOKEN) must have at least "
                        + AuthProperties.MIN_TOKEN_LENGTH + " characters; generate one with: openssl rand -hex 24");
            }
            if (token.startsWith("change-me")) {
                log.warn("The bootstrap token is the compose file's placeholder; set SPECTRA_BOOTSTRAP_TOKEN to a secret value");
            }
            activate(token, "from configuration");
        } else if (!db.external()) {
            Path file = tokenFile();
            activate(readOrGenerate(file), "from " + file);
        } else {
            log.warn("No bootstrap token configured (SPECTRA_BOOTSTRAP_TOKEN) and an external database: only tokens "
                    + "already stored there can call the API");
        }
    }

    private void activate(String token, String source) {
        ApiTokens.TokenView t = tokens.ensureBootstrap(token, props.bootstrapTenant());
        if (t.revokedAt() != null) {
            log.warn("The configured bootstrap token ({}) was revoked at {}; it stays revoked. Configure a new one to "
                    + "regain admin access.", source, t.revokedAt());
        } else {
            log.info("Bootstrap admin token {} active for tenant '{}' (token id {})", source, t.tenant(), t.id());
        }
    }

    Path tokenFile() {
        if (props.bootstrapTokenFile() != null && !props.bootstrapTokenFile().isBlank()) {
            return Path.of(props.bootstrapTokenFile()).toAbsolutePath().normalize();
        }
        Path dataDir = Path.of(embedded.dir()).toAbsolutePath().normalize();
        Path parent = dataDir.getParent() == null ? dataDir : dataDir.getParent();
        return parent.resolve("bootstrap-token");
    }

    /** The token kept in {@code file}, or a new one written there readable by the owner only. */
    static String readOrGenerate(Path file) {
        try {
            if (Files.isRegularFile(file)) {
                String kept = Files.readString(file, StandardCharsets.UTF_8).strip();
                if (kept.length() >= AuthProperties.MIN_TOKEN_LENGTH) {
                    return kept;
                }
                log.warn("{} holds no usable token; generating a new one", file);
                Files.delete(file);
            }
            Files.createDirectories(file.toAbsolutePath().getParent());
            String token = ApiTokens.generate();
            if (file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } else {
                Files.createFile(file);
            }
            Files.writeString(file, token + "\n", StandardCharsets.UTF_8);
            log.warn("Generated a bootstrap admin token for this embedded-database setup (shown once; also in {}):\n\n    {}\n",
                    file, token);
            return token;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read or write the bootstrap token file " + file
                    + " (set spectra.auth.bootstrap-token or spectra.auth.bootstrap-token-file)", e);
        }
    }
}
