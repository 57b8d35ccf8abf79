package dev.spectra.deploy.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spectra.deploy.support.Dashboards;
import dev.spectra.deploy.support.PromQl;
import dev.spectra.deploy.support.PrometheusScrape;
import dev.spectra.deploy.support.RepoPaths;
import dev.spectra.deploy.support.ServiceContract;
import dev.spectra.deploy.support.Yaml;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Runs the real service jar (service/target/spectra-service.jar, built earlier in the reactor)
 * the way the Helm chart runs it, against a PostgreSQL database created for this run and dropped
 * after: in migrate-only mode (the migration Job) and, at the same time, as a server with the
 * actuator on a separate management port. Checks the probe paths, the scrape endpoint and
 * every metric name the dashboards and alerts use, and runs the dashboards' SQL with EXPLAIN
 * against the migrated schema.
 */
class ServiceScrapeIT {

    private static final String PG_ADMIN_URL = "jdbc:postgresql://127.0.0.1:5432/postgres";
    private static final Duration STARTUP = Duration.ofMinutes(3);

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static String database;
    private static Process server;
    private static Path log;
    private static int apiPort;
    private static int managementPort;
    private static PrometheusScrape scrape;
    private static String jobId;

    private static final String BOOTSTRAP_TOKEN = "deploy-it-bootstrap-token-0123456789";
    /** 200 samples / batch 20 = 10 steps per epoch, 2 epochs: 20 training steps. */
    private static final String TINY_JOB = """
            {"name": "deploy-it", "model": {"type": "mlp", "hiddenSizes": [8]},
             "dataset": {"name": "synthetic-xor", "trainSamples": 200, "testSamples": 40},
             "optimizer": {"type": "adamw"}, "training": {"epochs": 2, "batchSize": 20, "seed": 1}}
            """;

    @BeforeAll
    static void startService() throws Exception {
        Path jar = Path.of(System.getProperty("spectra.service.jar", RepoPaths.root().resolve("service/target/spectra-service.jar").toString()));
        assertThat(jar).as("service jar (run ./mvnw verify from the root so the reactor builds it)").exists();
        database = "spectra_deploy_it_" + ProcessHandle.current().pid() + "_" + System.currentTimeMillis() % 100000;
        admin("CREATE DATABASE " + database);
        Path target = Path.of("target");
        Files.createDirectories(target);

        // Two processes start at once on the empty database, as in a rollout: the migration Job's
        // migrate-only run (the chart's exact arguments) and a server with the actuator on its own
        // port like in the chart. Flyway's advisory lock lets one migrate while the other waits.
        Path migrateLog = target.resolve("service-it-migrate.log");
        Process migrate = start(jar, migrateLog, Map.of(), migrateArgs());
        apiPort = freePort();
        managementPort = freePort();
        log = target.resolve("service-it.log");
        server = start(jar, log, Map.of("MANAGEMENT_SERVER_PORT", String.valueOf(managementPort)),
                List.of("--server.port=" + apiPort));

        boolean exited = migrate.waitFor(STARTUP.toSeconds(), TimeUnit.SECONDS);
        if (!exited) {
            migrate.destroyForcibly();
        }
        assertThat(exited).as("migrate-only run exits by itself (log: %s)", migrateLog.toAbsolutePath()).isTrue();
        assertThat(migrate.exitValue()).as("migrate-only exit code, log:\n%s", tail(migrateLog)).isZero();
        assertThat(queryInt("SELECT count(*) FROM flyway_schema_history WHERE success")).isPositive();
        awaitReady();

        // One small job end to end, so request, training and ingest series carry real samples and
        // the per-job dashboard has a curve to show.
        jobId = submitAndAwait();
        scrape = new PrometheusScrape(get(managementPort, "/actuator/prometheus").body());
    }

    private static String submitAndAwait() throws Exception {
        HttpResponse<String> created = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + apiPort + "/api/v1/jobs"))
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + BOOTSTRAP_TOKEN)
                .POST(HttpRequest.BodyPublishers.ofString(TINY_JOB)).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(created.statusCode()).as("submit: %s", created.body()).isEqualTo(201);
        String id = Yaml.JSON.readTree(created.body()).path("id").asString();
        Instant deadline = Instant.now().plus(STARTUP);
        String state = "";
        while (Instant.now().isBefore(deadline)) {
            HttpResponse<String> job = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + apiPort + "/api/v1/jobs/" + id))
                    .header("Authorization", "Bearer " + BOOTSTRAP_TOKEN).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            state = Yaml.JSON.readTree(job.body()).path("state").asString();
            if (state.equals("SUCCEEDED") || state.equals("FAILED") || state.equals("CANCELLED")) {
                break;
            }
            Thread.sleep(500);
        }
        assertThat(state).as("state of the tiny job; log:\n%s", tail(log)).isEqualTo("SUCCEEDED");
        return id;
    }

    /** The args of helm/spectra/templates/_helpers.tpl "spectra.migrateArgs", read from the chart. */
    private static List<String> migrateArgs() throws IOException {
        String helpers = Files.readString(RepoPaths.chart().resolve("templates/_helpers.tpl"));
        int start = helpers.indexOf("define \"spectra.migrateArgs\"");
        int end = helpers.indexOf("{{- end }}", start);
        List<String> args = new ArrayList<>();
        for (String line : helpers.substring(start, end).split("\n")) {
            if (line.startsWith("- ")) {
                args.add(line.substring(2).strip());
            }
        }
        assertThat(args).isNotEmpty();
        return args;
    }

    private static Process start(Path jar, Path logFile, Map<String, String> env, List<String> args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                // C1 only: these JVMs live two minutes, so start-up time matters more than peak speed.
                "-Xmx1g", "-XX:TieredStopAtLevel=1", "-jar", jar.toString()));
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(logFile.toFile());
        Map<String, String> e = pb.environment();
        e.put("SPECTRA_DB_URL", "jdbc:postgresql://127.0.0.1:5432/" + database);
        e.put("SPECTRA_DB_USER", "postgres");
        e.put("SPECTRA_DB_PASSWORD", "");
        e.put("SPECTRA_BOOTSTRAP_TOKEN", BOOTSTRAP_TOKEN);
        e.put("SPECTRA_WORKER_OMP_THREADS", "1");
        e.put("OMP_NUM_THREADS", "1");
        e.putAll(env);
        return pb.start();
    }

    private static void awaitReady() throws Exception {
        Instant deadline = Instant.now().plus(STARTUP);
        while (Instant.now().isBefore(deadline)) {
            assertThat(server.isAlive()).as("service exited during start-up; log:\n%s", tail(log)).isTrue();
            try {
                if (get(managementPort, "/actuator/health/readiness").statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(500);
        }
        throw new AssertionError("service not ready within " + STARTUP + "; log:\n" + tail(log));
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.destroy(); // SIGTERM: the graceful path the pods take
            if (!server.waitFor(60, TimeUnit.SECONDS)) {
                server.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
        if (database != null) {
            admin("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
        }
    }

    @Test
    void probesAndScrapeAnswerOnTheManagementPortAndTheApiOnItsOwn() throws Exception {
        HttpResponse<String> live = get(managementPort, "/actuator/health/liveness");
        assertThat(live.statusCode()).isEqualTo(200);
        assertThat(live.body()).contains("\"UP\"");
        assertThat(get(managementPort, "/actuator/health/readiness").body()).contains("\"UP\"");
        assertThat(get(managementPort, "/actuator/prometheus").headers().firstValue("Content-Type").orElse("")).startsWith("text/plain");
        assertThat(get(apiPort, "/v3/api-docs").statusCode()).isEqualTo(200);
        // The actuator is not on the API port, so an Ingress to that port never exposes it.
        assertThat(get(apiPort, "/actuator/prometheus").statusCode()).isEqualTo(404);
    }

    @Test
    void scrapeHasEveryMetricOfTheServiceContract() {
        for (String family : ServiceContract.SPECTRA_METRICS) {
            if (ServiceContract.HISTOGRAMS.contains(family)) {
                assertThat(scrape.names()).as("histogram buckets of %s", family).contains(family + "_bucket", family + "_count");
            } else {
                assertThat(scrape.names()).as("scraped series").contains(family);
            }
        }
    }

    @Test
    void everyMetricAndLabelValueTheDashboardsAndAlertsUseIsScraped() {
        List<String> exprs = new ArrayList<>();
        Dashboards.prometheusQueries().forEach(q -> exprs.add(q.text()));
        List<Map<String, Object>> rules = Yaml.at(Yaml.file(RepoPaths.docker().resolve("prometheus/alerts.yml")), "groups", 0, "rules");
        rules.forEach(r -> exprs.add((String) r.get("expr")));
        assertThat(exprs).hasSizeGreaterThan(20);
        for (String expr : exprs) {
            for (String name : PromQl.metricNames(expr)) {
                assertThat(scrape.names()).as("series %s of `%s`", name, expr).contains(name);
            }
            for (PromQl.LabelMatch m : PromQl.equalityMatchers(expr)) {
                assertThat(scrape.hasLabel(m.metric(), m.label(), m.value()))
                        .as("%s{%s=\"%s\"} of `%s`; scraped values: %s", m.metric(), m.label(), m.value(), expr,
                                scrape.labelValues(m.metric(), m.label()))
                        .isTrue();
            }
        }
    }

    @Test
    void everyDashboardSqlQueryPlansAgainstTheMigratedSchema() throws SQLException {
        List<Dashboards.Query> queries = Dashboards.sqlQueries();
        assertThat(queries).hasSizeGreaterThanOrEqualTo(8);
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/" + database, "postgres", "");
             Statement st = c.createStatement()) {
            for (Dashboards.Query q : queries) {
                try (ResultSet rs = st.executeQuery("EXPLAIN " + Dashboards.runnableSql(q.text()))) {
                    assertThat(rs.next()).isTrue();
                } catch (SQLException e) {
                    throw new AssertionError(q.dashboard() + " " + q.where() + " does not plan: " + e.getMessage() + "\n" + q.text(), e);
                }
            }
        }
    }

    @Test
    void jobDashboardCurvesShowTheFinishedJob() throws SQLException {
        // The Loss panel's own query, with the job picked in the variable: 10 steps x 2 epochs.
        Dashboards.Query loss = Dashboards.sqlQueries().stream().filter(q -> q.where().startsWith("panel 'Loss'")).findFirst().orElseThrow();
        String sql = loss.text().replace("$job_id", jobId);
        int points = 0;
        double first = Double.NaN;
        double last = Double.NaN;
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/" + database, "postgres", "");
             Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                if (rs.getString("key").equals("loss")) {
                    points++;
                    last = rs.getDouble("value");
                    first = Double.isNaN(first) ? last : first;
                }
            }
        }
        assertThat(points).isEqualTo(20);
        assertThat(first).isFinite().isPositive();
        assertThat(last).isFinite();
        // The job-id variable offers it.
        Dashboards.Query variable = Dashboards.sqlQueries().stream().filter(q -> q.where().equals("variable job_id")).findFirst().orElseThrow();
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/" + database, "postgres", "");
             Statement st = c.createStatement(); ResultSet rs = st.executeQuery(variable.text())) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString("__value")).isEqualTo(jobId);
            assertThat(rs.getString("__text")).startsWith("deploy-it");
        }
    }

    @Test
    void trainingAndRequestSeriesCountedTheJob() {
        assertThat(scrape.hasLabel("http_server_requests_seconds_count", "uri", "/api/v1/jobs")).isTrue();
        assertThat(scrape.value("spectra_jobs_submitted_total")).isEqualTo(1.0);
        assertThat(scrape.value("spectra_training_step_seconds_count")).isEqualTo(20.0);
        assertThat(scrape.value("spectra_metric_points_ingested_total")).isPositive();
    }

    private static HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static void admin(String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(PG_ADMIN_URL, "postgres", ""); Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    private static int queryInt(String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/" + database, "postgres", "");
             Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static String tail(Path file) {
        try {
            List<String> lines = Files.readAllLines(file);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }
}
