package dev.spectra.service.workers;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The {@code workers} table: registration, stop, and the fleet view of {@code GET /workers}. */
@Repository
public class WorkerRepository {

    private final JdbcClient jdbc;

    public WorkerRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public void register(WorkerIdentity w) {
        jdbc.sql("""
                INSERT INTO workers (id, name, accelerator, backend, devices, device_memory_bytes, memory_bytes, cpu_cores,
                                     slots, omp_threads, version, state)
                VALUES (:id, :name, :accelerator, :backend, :devices, :deviceMemory, :memory, :cores, :slots, :omp,
                        :version, 'ACTIVE')""")
                .param("id", w.id()).param("name", w.name()).param("accelerator", w.accelerator())
                .param("backend", w.backend()).param("devices", w.devices())
                .param("deviceMemory", w.deviceMemoryBytes(), java.sql.Types.BIGINT).param("memory", w.memoryBytes())
                .param("cores", w.cpuCores()).param("slots", w.slots()).param("omp", w.ompThreads())
                .param("version", w.version()).update();
    }

    public void markStopped(UUID id) {
        jdbc.sql("UPDATE workers SET state = 'STOPPED', stopped_at = now() WHERE id = :id").param("id", id).update();
    }

    /**
     * A worker as the API shows it.
     *
     * @param state               ACTIVE, DRAINING, STOPPED, or LOST (active but silent for longer than its lease)
     * @param heartbeatAgeSeconds seconds since the last heartbeat
     * @param runningJobs         jobs its attempts are training now
     */
    public record WorkerView(UUID id, String name, String state, String accelerator, String backend, int devices,
                             Long deviceMemoryBytes, Long memoryBytes, int cpuCores, int slots, Integer ompThreads,
                             String version, OffsetDateTime startedAt, OffsetDateTime lastHeartbeatAt,
                             double heartbeatAgeSeconds, List<UUID> runningJobs) {
    }

    /** Workers that are not stopped, plus those stopped within {@code stoppedWindow}, newest first. */
    public List<WorkerView> list(Duration lostAfter, Duration stoppedWindow, int limit) {
        return jdbc.sql("""
                SELECT w.*, extract(epoch FROM now() - w.last_heartbeat_at) AS age,
                       CASE WHEN w.state <> 'STOPPED' AND w.last_heartbeat_at < now() - make_interval(secs => :lost)
                            THEN 'LOST' ELSE w.state END AS shown_state,
                       coalesce((SELECT array_agg(a.job_id::text) FROM attempts a
                                 WHERE a.worker_id = w.id AND a.state = 'RUNNING'), '{}') AS jobs
                FROM workers w
                WHERE w.state <> 'STOPPED' OR w.stopped_at > now() - make_interval(secs => :window)
                ORDER BY w.started_at DESC LIMIT :limit""")
                .param("lost", lostAfter.toMillis() / 1000.0).param("window", stoppedWindow.toMillis() / 1000.0)
                .param("limit", limit)
                .query((rs, n) -> new WorkerView(rs.getObject("id", UUID.class), rs.getString("name"),
                        rs.getString("shown_state"), rs.getString("accelerator"), rs.getString("backend"), rs.getInt("devices"),
                        (Long) rs.getObject("device_memory_bytes"), (Long) rs.getObject("memory_bytes"), rs.getInt("cpu_cores"),
                        rs.getInt("slots"), (Integer) rs.getObject("omp_threads"), rs.getString("version"),
                        rs.getObject("started_at", OffsetDateTime.class), rs.getObject("last_heartbeat_at", OffsetDateTime.class),
                        rs.getDouble("age"),
                        Arrays.stream((String[]) rs.getArray("jobs").getArray()).map(UUID::fromString).toList()))
                .list();
    }
}
