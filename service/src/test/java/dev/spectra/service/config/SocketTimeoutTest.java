package dev.spectra.service.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import dev.spectra.service.support.TcpProxy;
import dev.spectra.service.support.TestDatabase;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A database that stops answering without closing the connection (packets silently dropped):
 * with {@code spectra.db.socket-timeout} the waiting query fails after that long instead of
 * hanging, and once traffic flows again the pool hands out a working connection.
 */
class SocketTimeoutTest {

    @Test
    void aSilentlyDroppedConnectionFailsAfterTheSocketTimeoutAndThePoolRecovers() throws Exception {
        TestDatabase.url(); // creates this run's database
        try (TcpProxy proxy = TcpProxy.toPostgres()) {
            DatabaseProperties props = new DatabaseProperties(proxy.jdbcUrl(TestDatabase.name()), TestDatabase.user(), null, 2,
                    Duration.ofSeconds(5), Duration.ofSeconds(2));
            try (HikariDataSource ds = new DatabaseConfig().dataSource(props, new DatabaseConfig.EmbeddedPostgresHolder(null))) {
                assertThat(selectOne(ds)).isEqualTo(1);
                try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
                    proxy.stall();
                    long start = System.nanoTime();
                    assertThatThrownBy(() -> st.executeQuery("SELECT 1"))
                            .isInstanceOf(SQLException.class);
                    long waitedMs = (System.nanoTime() - start) / 1_000_000;
                    // 2 s timeout: fails after about that long (upper bound generous for a loaded machine);
                    // without the setting this call would wait for the kernel's TCP timeout, many minutes
                    assertThat(waitedMs).isBetween(1500L, 15_000L);
                }
                proxy.restore();
                assertThat(selectOne(ds)).isEqualTo(1); // the broken connection was evicted, a new one works
            }
        }
    }

    @Test
    void aSocketTimeoutBelowOneSecondIsRejectedWithThePropertyNamed() {
        assertThatThrownBy(() -> new DatabaseProperties("jdbc:x", null, null, null, Duration.ofSeconds(5), Duration.ofMillis(500)))
                .hasMessageContaining("spectra.db.socket-timeout must be at least 1s");
    }

    private static int selectOne(HikariDataSource ds) throws SQLException {
        try (Connection c = ds.getConnection(); Statement st = c.createStatement(); var rs = st.executeQuery("SELECT 1")) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
