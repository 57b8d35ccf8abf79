package dev.spectra.service.faults;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.spectra.service.config.ReaperProperties;
import dev.spectra.service.config.WorkerProperties;
import dev.spectra.service.jobs.TimeOrderedIds;
import dev.spectra.service.metrics.ServiceMetrics;
import dev.spectra.service.queue.JobQueue;
import dev.spectra.service.reaper.LeaseReaper;
import dev.spectra.service.support.TestDatabase;
import dev.spectra.service.workers.WorkerIdentity;
import dev.spectra.service.workers.WorkerRepository;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Two reapers, each with its own connection pool (as two API replicas have), sweep the same
 * database concurrently and repeatedly while 80 attempts have expired leases: every attempt is
 * reaped exactly once, and no two sweeps ever held the leader lock at the same time.
 * No Spring context: a database of its own, migrated by Flyway, and the reaper's collaborators built by hand.
 */
class ReaperLeadershipTest {

    private static final int JOBS = 80;
    private static String url;
    private static final List<HikariDataSource> pools = new ArrayList<>();

    @BeforeAll
    static void database() {
        url = TestDatabase.url(TestDatabase.fresh("spectra_reaper"));
        Flyway.configure().dataSource(url, TestDatabase.user(), "").locations("classpath:db/migration").load().migrate();
    }

    @AfterAll
    static void close() {
        pools.forEach(HikariDataSource::close);
    }

    private static HikariDataSource pool() {
        HikariDataSource ds = new HikariDataSource();
        ds.setJdbcUrl(url);
        ds.setUsername(TestDatabase.user());
        ds.setMaximumPoolSize(4);
        pools.add(ds);
        return ds;
    }

    private static <T> T bind(String prefix, Class<T> type, Map<String, String> values) {
        return new Binder(new MapConfigurationPropertySource(values)).bindOrCreate(prefix, type);
    }

    private static dev.spectra.service.config.LimitsProperties limits() {
        return bind("spectra.limits", dev.spectra.service.config.LimitsProperties.class, Map.of());
    }

    private static LeaseReaper reaper(HikariDataSource ds) {
        JdbcClient jdbc = JdbcClient.create(ds);
        return new LeaseReaper(new JobQueue(jdbc, limits(), tools.jackson.databind.json.JsonMapper.builder().build()), jdbc, new TransactionTemplate(new DataSourceTransactionManager(ds)),
                bind("spectra.reaper", ReaperProperties.class, Map.of("spectra.reaper.batch-size", "7")),
                bind("spectra.worker", WorkerProperties.class, Map.of()), new ServiceMetrics(new SimpleMeterRegistry()));
    }

    @Test
    void concurrentReapersReapEveryExpiredAttemptExactlyOnceAndNeverLeadTogether() throws Exception {
        JdbcClient jdbc = JdbcClient.create(pool());
        JobQueue queue = new JobQueue(jdbc, limits(), tools.jackson.databind.json.JsonMapper.builder().build());
        WorkerRepository workers = new WorkerRepository(jdbc);
        List<UUID> jobs = new ArrayList<>();
        for (int i = 0; i < JOBS; i++) {
            UUID id = TimeOrderedIds.next();
            queue.enqueue(new JobQueue.NewJob(id, "default", "expired-" + i, "{}", "{}", 0, 3, "cpu", 0, 10, null, null));
            jobs.add(id);
        }
        for (int w = 0; w < 8; w++) {
            WorkerIdentity worker = new WorkerIdentity(UUID.randomUUID(), "dead-" + w, "cpu", "CpuBackend", 0, null, 1L << 30,
                    2, 1, 1, "test");
            workers.register(worker);
            for (int k = 0; k < JOBS / 8; k++) {
                queue.claim(worker.id(), worker.name(), "cpu", 0, Duration.ofMinutes(10)).orElseThrow();
            }
        }
        jdbc.sql("UPDATE attempts SET lease_expires_at = now() - interval '1 minute'").update();

        List<LeaseReaper> reapers = List.of(reaper(pool()), reaper(pool()));
        List<LeaseReaper.Sweep> sweeps = Collections.synchronizedList(new ArrayList<>());
        ExecutorService threads = Executors.newFixedThreadPool(6);
        List<Future<?>> running = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        for (int t = 0; t < 6; t++) {
            LeaseReaper r = reapers.get(t % 2);
            running.add(threads.submit(() -> {
                while (System.nanoTime() < deadline && expiredLeft(jdbc) > 0) {
                    sweeps.add(r.sweep());
                }
            }));
        }
        for (Future<?> f : running) {
            f.get();
        }
        threads.shutdown();

        assertThat(expiredLeft(jdbc)).isZero();
        assertThat(sweeps.stream().mapToInt(LeaseReaper.Sweep::reaped).sum()).isEqualTo(JOBS);
        for (UUID id : jobs) {
            assertThat(jdbc.sql("SELECT count(*) FROM job_events WHERE job_id = :id AND reason = 'LEASE_EXPIRED'")
                    .param("id", id).query(Long.class).single()).as("LEASE_EXPIRED events of %s", id).isEqualTo(1);
        }
        assertThat(jdbc.sql("SELECT count(*) FROM jobs WHERE state = 'QUEUED' AND retries_used = 1 AND fence = 2")
                .query(Long.class).single()).isEqualTo(JOBS);
        List<LeaseReaper.Sweep> led = sweeps.stream().filter(LeaseReaper.Sweep::leader)
                .sorted(Comparator.comparingLong(LeaseReaper.Sweep::leaderFrom)).toList();
        for (int i = 1; i < led.size(); i++) {
            assertThat(led.get(i).leaderFrom()).as("sweep %d began after sweep %d ended", i, i - 1)
                    .isGreaterThan(led.get(i - 1).leaderUntil());
        }
        long refused = sweeps.stream().filter(s -> !s.leader()).count();
        System.out.printf("reaper leadership: %d sweeps led (%d reaped), %d refused the lock%n", led.size(), JOBS, refused);
        assertThat(refused).as("sweeps that found the lock taken (the race really happened)").isPositive();
    }

    private static long expiredLeft(JdbcClient jdbc) {
        return jdbc.sql("SELECT count(*) FROM attempts WHERE state = 'RUNNING' AND lease_expires_at < now()")
                .query(Long.class).single();
    }
}
