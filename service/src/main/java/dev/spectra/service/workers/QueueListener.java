package dev.spectra.service.workers;

import dev.spectra.service.queue.JobQueue;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Holds one connection that LISTENs for queue hints: a job was queued (wake idle slots now) or a
 * running job should stop (cancel it before its next step). Hints only: slots still poll and
 * heartbeats still report cancels, so a lost notification or a broken connection only costs
 * latency. The connection comes from the pool and is kept while the worker runs.
 */
final class QueueListener implements Runnable {

    private static final Logger log = LoggerFactory.getLogger(QueueListener.class);

    private final DataSource dataSource;
    private final Runnable onQueued;
    private final Consumer<String> onCancel;
    private final Duration retry;
    private boolean failing;
    private volatile boolean running = true;

    QueueListener(DataSource dataSource, Runnable onQueued, Consumer<String> onCancel, Duration retry) {
        this.dataSource = dataSource;
        this.onQueued = onQueued;
        this.onCancel = onCancel;
        this.retry = retry;
    }

    void stop() {
        running = false;
    }

    @Override
    public void run() {
        while (running) {
            try (Connection c = dataSource.getConnection()) {
                c.setAutoCommit(true);
                try (Statement st = c.createStatement()) {
                    st.execute("LISTEN " + JobQueue.CHANNEL_QUEUED);
                    st.execute("LISTEN " + JobQueue.CHANNEL_CANCEL);
                }
                PGConnection pg = c.unwrap(PGConnection.class);
                if (failing) {
                    log.info("Queue listener reconnected");
                    failing = false;
                }
                while (running) {
                    PGNotification[] notes = pg.getNotifications(500);
                    if (notes == null) {
                        continue;
                    }
                    for (PGNotification n : notes) {
                        if (JobQueue.CHANNEL_CANCEL.equals(n.getName())) {
                            onCancel.accept(n.getParameter());
                        } else {
                            onQueued.run();
                        }
                    }
                }
            } catch (SQLException | RuntimeException e) {
                if (running) {
                    // once per outage: while the database is away this retries every few hundred ms
                    if (!failing) {
                        log.warn("Queue listener lost its connection ({}); slots keep polling, retrying every {}",
                                e.getMessage(), retry);
                        failing = true;
                    }
                    sleep(retry);
                }
            }
        }
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
