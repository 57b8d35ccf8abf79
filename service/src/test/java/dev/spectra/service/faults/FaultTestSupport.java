package dev.spectra.service.faults;

import dev.spectra.service.SpectraApplication;
import dev.spectra.service.support.TestDatabase;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Worker processes and metric checks shared by the fault tests. */
final class FaultTestSupport {

    private FaultTestSupport() {
    }

    /**
     * A worker-only instance of the service (what a worker pod runs) against {@code jdbcUrl}, with
     * fast heartbeats, a 2 s lease and a 1 s connection timeout.
     */
    static ConfigurableApplicationContext worker(String name, String jdbcUrl, String... extra) {
        Map<String, String> args = new LinkedHashMap<>();
        for (String a : List.of("--spectra.db.url=" + jdbcUrl, "--spectra.db.user=" + TestDatabase.user(),
                "--spectra.db.connection-timeout=1s", "--spectra.api.enabled=false", "--spectra.worker.name=" + name,
                "--server.port=0", "--spectra.worker.poll-interval=200ms", "--spectra.worker.metric-flush-interval=200ms",
                "--spectra.worker.heartbeat-interval=300ms", "--spectra.worker.lease-duration=2s",
                "--spectra.worker.retry-backoff=200ms", "--spring.main.banner-mode=off",
                // a worker apart from the API proves itself with a token (the bootstrap admin token of the test contexts)
                "--spectra.auth.worker-token=" + dev.spectra.service.support.ServiceTestBase.ADMIN_TOKEN)) {
            args.put(a.substring(0, a.indexOf('=')), a);
        }
        for (String a : extra) { // an argument given twice would be bound as a list: extra ones replace defaults
            args.put(a.substring(0, a.indexOf('=')), a);
        }
        return new SpringApplicationBuilder(SpectraApplication.class).run(args.values().toArray(String[]::new));
    }

    /** The steps of a job's loss series, in order (duplicates would show: the key is (series, step)). */
    static List<Long> lossSteps(JdbcClient jdbc, UUID job) {
        return jdbc.sql("""
                SELECT p.step FROM metric_points p JOIN metric_series s ON s.id = p.series_id
                WHERE s.job_id = :id AND s.key = 'loss' ORDER BY p.step""").param("id", job).query(Long.class).list();
    }

    static List<String> reasons(JdbcClient jdbc, UUID job) {
        return jdbc.sql("SELECT reason FROM job_events WHERE job_id = :id ORDER BY id").param("id", job)
                .query(String.class).list();
    }
}
