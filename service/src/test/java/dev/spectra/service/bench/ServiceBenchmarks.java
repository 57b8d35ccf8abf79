package dev.spectra.service.bench;

import dev.spectra.optim.train.Trainer;
import dev.spectra.optim.train.TrainingResult;
import dev.spectra.service.config.LimitsProperties;
import dev.spectra.service.jobs.spec.JobSpec;
import dev.spectra.service.jobs.spec.JobSpecParser;
import dev.spectra.service.metrics.MetricWriter;
import dev.spectra.service.queue.ClaimedJob;
import dev.spectra.service.queue.JobState;
import dev.spectra.service.queue.Reason;
import dev.spectra.service.support.ServiceTestBase;
import dev.spectra.service.training.TrainingDataLoader;
import dev.spectra.service.training.TrainingPlan;
import dev.spectra.service.web.CallerTenant;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The service's speed targets, measured (not asserted) against the running app and the local
 * PostgreSQL; results go to stdout and target/service-benchmarks.txt. Not part of verify:
 * <pre>
 * OMP_NUM_THREADS=1 ./mvnw -pl service -am test -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Dservice.excluded.groups=none -Dtest=ServiceBenchmarks
 * </pre>
 */
@Tag("benchmark")
@org.springframework.test.context.TestPropertySource(properties = {
        // production cadence for the worker's background writes during the training comparison
        "spectra.worker.metric-flush-interval=1s", "spectra.worker.heartbeat-interval=5s",
        "spectra.worker.lease-duration=30s",
        // the submission benchmark queues 7000 GPU jobs for one tenant
        "spectra.limits.max-queued-jobs=1000000"})
class ServiceBenchmarks extends ServiceTestBase {

    private static final Path OUT = Path.of("target", "service-benchmarks.txt");

    @Autowired
    JobSpecParser parser;
    @Autowired
    TrainingDataLoader loader;
    @Autowired
    LimitsProperties limits;
    @Autowired
    MetricWriter writer;

    private static void report(String line) {
        System.out.println("BENCH " + line);
        try {
            Files.writeString(OUT, line + System.lineSeparator(), StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static double median(List<Double> xs) {
        List<Double> s = new ArrayList<>(xs);
        Collections.sort(s);
        int n = s.size();
        return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }

    private static String fashionJob(String optimizer) {
        return """
                {"name": "bench", "model": {"type": "mlp", "hiddenSizes": [256, 128]},
                 "dataset": {"name": "fashion-mnist", "trainSamples": 10000, "testSamples": 1000},
                 "optimizer": %s,
                 "training": {"epochs": 2, "batchSize": 128, "seed": 1}}""".formatted(optimizer);
    }

    /** Samples/s of fit() run directly through optimizer-core vs. the same job through the service. */
    @Test
    void trainingThroughputInsideTheServiceMatchesDirect() {
        for (String optimizer : List.of("{\"type\": \"adamw\", \"lr\": 0.001}", "{\"type\": \"kron-spectral\"}")) {
            String spec = fashionJob(optimizer);
            JobSpec parsed = parser.parse(CallerTenant.DEFAULT, JSON.readTree(spec)).spec();
            // warm-up: data cache, JIT, native kernels
            direct(parsed);
            List<Double> direct = new ArrayList<>();
            List<Double> service = new ArrayList<>();
            for (int round = 0; round < 5; round++) {
                direct.add(direct(parsed));
                service.add(viaService(spec));
            }
            double d = median(direct);
            double s = median(service);
            report(String.format("training %-14s direct %.0f samples/s %s | service %.0f samples/s %s | ratio %.3f",
                    JSON.readTree(optimizer).get("type").asString(), d, fmt(direct), s, fmt(service), s / d));
        }
    }

    private double direct(JobSpec spec) {
        TrainingPlan plan = TrainingPlan.of(spec, loader, limits);
        Trainer trainer = new Trainer(plan.model(), plan.optimizer(), plan.config());
        TrainingResult r = trainer.fit(plan.data().train(), plan.data().test());
        return r.steps() * (double) plan.data().train().size() / plan.config().stepsPerEpoch(plan.data().train().size())
                / r.seconds();
    }

    private double viaService(String spec) {
        UUID id = submit(spec);
        // poll rarely: the benchmark must not compete with the training it measures
        while (!"SUCCEEDED".equals(job(id).get("state").asString())) {
            sleep(1000);
        }
        String message = jdbc.sql("SELECT message FROM job_events WHERE job_id = :id AND reason = 'COMPLETED'")
                .param("id", id).query(String.class).single();
        Matcher m = Pattern.compile("trained (\\d+) steps in ([0-9.]+) s").matcher(message);
        if (!m.find()) {
            throw new AssertionError(message);
        }
        long steps = Long.parseLong(m.group(1));
        double seconds = Double.parseDouble(m.group(2));
        // 10000 examples, batch 128: 79 steps per epoch of 10000 samples
        return steps * 10000.0 / 79 / seconds;
    }

    private static String fmt(List<Double> xs) {
        return xs.stream().map(x -> String.format("%.0f", x)).toList().toString();
    }

    /** Metric points per second through MetricWriter (one statement per batch) into the local PostgreSQL. */
    @Test
    void metricIngestion() {
        ClaimedJob c = claimGpuJobAsTestWorker("ingest-bench");
        List<String> keys = List.of("loss", "learning_rate", "step_seconds", "optimizer_seconds", "samples_per_second");
        Map<String, Long> series = writer.ensureSeries(c.fence(), keys);
        int stepsPerBatch = 1000;
        int batchPoints = stepsPerBatch * keys.size();
        long[] s = new long[batchPoints];
        long[] st = new long[batchPoints];
        double[] v = new double[batchPoints];
        long step = 0;
        List<Double> rates = new ArrayList<>();
        for (int run = 0; run < 4; run++) {
            int batches = 40; // 200,000 points per run
            long t0 = System.nanoTime();
            for (int b = 0; b < batches; b++) {
                int i = 0;
                for (int k = 0; k < stepsPerBatch; k++) {
                    step++;
                    for (String key : keys) {
                        s[i] = series.get(key);
                        st[i] = step;
                        v[i] = Math.sin(step) + i;
                        i++;
                    }
                }
                writer.write(c.fence(), s, st, v, new MetricWriter.Progress(0, step, 1_000_000, 1.0, 1.0));
            }
            double secs = (System.nanoTime() - t0) / 1e9;
            if (run > 0) { // first run warms up
                rates.add(batches * (double) batchPoints / secs);
            }
        }
        report(String.format("ingestion batches of %d points: median %.0f points/s %s", batchPoints, median(rates), fmt(rates)));
        queue.finish(c.fence(), JobState.SUCCEEDED, Reason.COMPLETED, "bench");
    }

    /**
     * Open-loop submissions at 100 requests/s for 30 s against the HTTP API on loopback: a timer
     * releases one request every 10 ms to a pool of blocking keep-alive clients, so a slow answer
     * never delays the next request (latency includes any queueing on the server).
     */
    @Test
    void submissionLatencyAt100PerSecond() throws Exception {
        byte[] body = gpuJob("latency").getBytes(java.nio.charset.StandardCharsets.UTF_8); // stays queued
        // warm-up: the JIT needs a few thousand requests before latencies settle
        for (int i = 0; i < 4000; i++) {
            submitOnce(body);
        }
        List<Double> sequential = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            long t0 = System.nanoTime();
            submitOnce(body);
            sequential.add((System.nanoTime() - t0) / 1e6);
        }
        Collections.sort(sequential);
        report(String.format("submission sequential 500 requests: latency ms p50 %.1f p90 %.1f p99 %.1f max %.1f",
                pct(sequential, 0.50), pct(sequential, 0.90), pct(sequential, 0.99), sequential.get(sequential.size() - 1)));

        int total = 3000;
        ConcurrentLinkedQueue<Double> latencies = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<Integer> statuses = new ConcurrentLinkedQueue<>();
        CountDownLatch done = new CountDownLatch(total);
        java.util.concurrent.ExecutorService senders = Executors.newFixedThreadPool(64);
        ScheduledExecutorService clock = Executors.newSingleThreadScheduledExecutor();
        int[] sent = {0};
        long start = System.nanoTime();
        clock.scheduleAtFixedRate(() -> {
            if (sent[0]++ >= total) {
                return;
            }
            long due = System.nanoTime();
            senders.execute(() -> {
                int status;
                try {
                    status = submitOnce(body);
                } catch (IOException e) {
                    status = -1;
                }
                latencies.add((System.nanoTime() - due) / 1e6);
                statuses.add(status);
                done.countDown();
            });
        }, 0, 10, TimeUnit.MILLISECONDS);
        done.await(5, TimeUnit.MINUTES);
        clock.shutdownNow();
        senders.shutdownNow();
        double wall = (System.nanoTime() - start) / 1e9;
        List<Double> sorted = new ArrayList<>(latencies);
        Collections.sort(sorted);
        long ok = statuses.stream().filter(x -> x == 201).count();
        report(String.format("submission %d requests at 100/s over %.1f s: %d x 201; latency ms p50 %.1f p90 %.1f p99 %.1f max %.1f",
                total, wall, ok, pct(sorted, 0.50), pct(sorted, 0.90), pct(sorted, 0.99), sorted.get(sorted.size() - 1)));
    }

    /** One POST with a keep-alive HttpURLConnection (the JDK reuses the socket); returns the status. */
    private int submitOnce(byte[] body) throws IOException {
        var c = (java.net.HttpURLConnection) uri("/api/v1/jobs").toURL().openConnection();
        c.setRequestMethod("POST");
        c.setDoOutput(true);
        c.setRequestProperty("Content-Type", "application/json");
        c.setRequestProperty("Authorization", "Bearer " + ADMIN_TOKEN);
        c.setFixedLengthStreamingMode(body.length);
        try (var out = c.getOutputStream()) {
            out.write(body);
        }
        int status = c.getResponseCode();
        try (var in = status < 400 ? c.getInputStream() : c.getErrorStream()) {
            in.readAllBytes();
        }
        return status;
    }

    private static double pct(List<Double> sorted, double p) {
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p * sorted.size()) - 1));
    }
}
