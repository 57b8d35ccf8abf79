package dev.spectra.service.config;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * An external PostgreSQL server ({@code spectra.db.*}, env {@code SPECTRA_DB_URL},
 * {@code SPECTRA_DB_USER}, {@code SPECTRA_DB_PASSWORD}). When {@code url} is blank the service
 * starts an embedded PostgreSQL instead (see {@link EmbeddedDatabaseProperties}).
 *
 * @param url          JDBC URL, e.g. {@code jdbc:postgresql://db:5432/spectra}
 * @param user         login role
 * @param password     password (may be empty for trust auth)
 * @param maxPoolSize  Hikari pool size; workers need about one connection per slot plus two
 */
@ConfigurationProperties("spectra.db")
public record DatabaseProperties(String url, String user, String password, Integer maxPoolSize) {

    public boolean external() {
        return url != null && !url.isBlank();
    }

    public int poolSize() {
        return maxPoolSize == null ? 10 : maxPoolSize;
    }
}
