package dev.spectra.service.config;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The embedded PostgreSQL used when no {@code spectra.db.url} is set ({@code spectra.embedded-db.*}).
 *
 * @param dir  data directory; kept across restarts (env {@code SPECTRA_EMBEDDED_DB_DIR})
 * @param port TCP port on 127.0.0.1; 0 picks a free one
 */
@ConfigurationProperties("spectra.embedded-db")
public record EmbeddedDatabaseProperties(@DefaultValue("./spectra-data/pg") String dir, @DefaultValue("0") int port) {
}
