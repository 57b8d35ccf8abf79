package dev.spectra.service.config;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.SQLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The one DataSource: the external server named by {@code spectra.db.url}, or the embedded
 * PostgreSQL when that is unset. Connectivity is checked here, before Flyway and the rest of the
 * context, so a bad setting fails with one clear line.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties({DatabaseProperties.class, EmbeddedDatabaseProperties.class, ApiProperties.class,
        WorkerProperties.class, LimitsProperties.class})
public class DatabaseConfig {

    private static final Logger log = LoggerFactory.getLogger(DatabaseConfig.class);

    @Bean(destroyMethod = "close")
    EmbeddedPostgresHolder embeddedPostgres(DatabaseProperties db, EmbeddedDatabaseProperties embedded) {
        return new EmbeddedPostgresHolder(db.external() ? null : EmbeddedPostgresServer.start(embedded));
    }

    @Bean(destroyMethod = "close")
    HikariDataSource dataSource(DatabaseProperties db, EmbeddedPostgresHolder embedded) {
        HikariConfig hc = new HikariConfig();
        if (db.external()) {
            hc.setJdbcUrl(db.url());
            hc.setUsername(db.user());
            hc.setPassword(db.password());
        } else {
            hc.setJdbcUrl(embedded.server().jdbcUrl());
            hc.setUsername("postgres");
        }
        hc.setPoolName("spectra");
        hc.setMaximumPoolSize(db.poolSize());
        // Short enough that an outage turns into a quick 503 / worker retry rather than a hung
        // thread; validation must be shorter than the connection timeout (Hikari's rule).
        hc.setConnectionTimeout(Math.max(250, db.connectionTimeout().toMillis()));
        hc.setValidationTimeout(Math.max(250, Math.min(5000, db.connectionTimeout().toMillis() / 2)));
        hc.setInitializationFailTimeout(-1);
        // Driver properties as strings: given as numbers, the timeout was silently not applied
        // (SocketTimeoutTest hung in the stalled read until killed).
        if (db.socketTimeout() != null) { // pgjdbc counts seconds
            hc.addDataSourceProperty("socketTimeout", String.valueOf(db.socketTimeout().toSeconds()));
            hc.addDataSourceProperty("loginTimeout", String.valueOf(Math.max(1, Math.min(db.socketTimeout().toSeconds(), 30))));
        }
        hc.addDataSourceProperty("tcpKeepAlive", "true");
        HikariDataSource ds = new HikariDataSource(hc);
        String where = db.external() ? db.url() : embedded.server().jdbcUrl() + " (embedded)";
        try (Connection c = ds.getConnection()) {
            log.info("Database {} reachable: {} {}", where, c.getMetaData().getDatabaseProductName(),
                    c.getMetaData().getDatabaseProductVersion());
        } catch (SQLException e) {
            ds.close();
            throw new DatabaseUnavailableException("Cannot connect to the database at " + where + " as user '"
                    + (db.external() ? db.user() : "postgres") + "' (" + EmbeddedPostgresServer.rootMessage(e) + ").", e);
        }
        return ds;
    }

    /** Keeps the embedded server's lifetime tied to the context (null when an external DB is used). */
    public record EmbeddedPostgresHolder(EmbeddedPostgresServer server) implements AutoCloseable {
        @Override
        public void close() throws Exception {
            if (server != null) {
                server.close();
            }
        }
    }
}
