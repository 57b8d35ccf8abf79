package dev.spectra.service.config;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * An external PostgreSQL server ({@code spectra.db.*}, env {@code SPECTRA_DB_URL},
 * {@code SPECTRA_DB_USER}, {@code SPECTRA_DB_PASSWORD}). When {@code url} is blank the service
 * starts an embedded PostgreSQL instead (see {@link EmbeddedDatabaseProperties}).
 *
 * @param url          JDBC URL, e.g. {@code jdbc:postgresql://db:5432/spectra}
 * @param user         login role
 * @param password     password (may be empty for trust auth)
 * @param maxPoolSize  Hikari pool size; workers need about one connection per slot plus two
 * @param connectionTimeout how long a request waits for a connection before failing; while the
 *                     database is unreachable this is how long the API takes to answer 503
 * @param socketTimeout longest wait for the server's answer on an open connection (also bounds a
 *                     login). A peer that vanishes without closing the connection (a dropped
 *                     route, a frozen host) otherwise leaves the waiting thread hanging until
 *                     the kernel gives up (often 15+ minutes); with it the query fails, the pool
 *                     drops the connection and the worker's retry loop takes over. It must exceed
 *                     the longest statement the service runs (a large metric history read).
 */
@ConfigurationProperties("spectra.db")
public record DatabaseProperties(String url, String user, String password, Integer maxPoolSize,
                                 @DefaultValue("5s") Duration connectionTimeout,
                                 @DefaultValue("60s") Duration socketTimeout) {

    public DatabaseProperties {
        if (socketTimeout != null && socketTimeout.toSeconds() < 1) {
            throw new IllegalArgumentException("spectra.db.socket-timeout must be at least 1s (the driver counts whole "
                    + "seconds) but was " + socketTimeout);
        }
    }

    public boolean external() {
        return url != null && !url.isBlank();
    }

    public int poolSize() {
        return maxPoolSize == null ? 10 : maxPoolSize;
    }
}
