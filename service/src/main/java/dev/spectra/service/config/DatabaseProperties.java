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
 */
@ConfigurationProperties("spectra.db")
public record DatabaseProperties(String url, String user, String password, Integer maxPoolSize,
                                 @DefaultValue("5s") Duration connectionTimeout) {

    public boolean external() {
        return url != null && !url.isBlank();
    }

    public int poolSize() {
        return maxPoolSize == null ? 10 : maxPoolSize;
    }
}
