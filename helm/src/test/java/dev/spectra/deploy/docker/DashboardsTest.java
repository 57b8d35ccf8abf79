package dev.spectra.deploy.docker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spectra.deploy.support.Dashboards;
import dev.spectra.deploy.support.PromQl;
import dev.spectra.deploy.support.RepoPaths;
import dev.spectra.deploy.support.ServiceContract;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The Grafana dashboards (docker/grafana/dashboards, shared with the chart): valid JSON, data
 * sources chosen through variables, PromQL naming only metrics of the service contract, SQL
 * naming only tables and views the Flyway migrations create. The integration test repeats the
 * metric check against a real scrape and runs the SQL with EXPLAIN.
 */
class DashboardsTest {

    @Test
    void theFleetAndTheJobDashboardExistWithUniqueUids() {
        Set<String> uids = new HashSet<>();
        for (Path file : Dashboards.files()) {
            JsonNode d = Dashboards.read(file);
            assertThat(uids.add(d.path("uid").asString())).as("unique uid in %s", file).isTrue();
            assertThat(d.path("title").asString()).startsWith("Spectra / ");
            assertThat(d.path("panels").size()).isGreaterThan(3);
            Set<Integer> ids = new HashSet<>();
            Dashboards.panels(d).forEach(p -> assertThat(ids.add(p.path("id").asInt())).as("panel id %s in %s", p.path("id"), file).isTrue());
        }
        assertThat(uids).containsExactlyInAnyOrder("spectra-fleet", "spectra-job");
    }

    @Test
    void everyPanelPicksItsDataSourceThroughADashboardVariable() {
        // Fixed uids would break in a Grafana whose data sources have other uids (e.g. kube-prometheus-stack).
        for (Path file : Dashboards.files()) {
            JsonNode d = Dashboards.read(file);
            Map<String, String> vars = Dashboards.datasourceVariables(d);
            assertThat(vars).isNotEmpty();
            for (JsonNode p : Dashboards.panels(d)) {
                if (p.path("type").asString().equals("row")) {
                    continue;
                }
                String uid = p.path("datasource").path("uid").asString();
                assertThat(uid).as("datasource of panel %s in %s", p.path("title"), file).matches("\\$\\{\\w+}");
                String var = uid.substring(2, uid.length() - 1);
                assertThat(vars).containsKey(var);
                assertThat(p.path("datasource").path("type").asString()).isEqualTo(vars.get(var));
            }
        }
    }

    @Test
    void fleetDashboardCoversWhatTheIssueAsksFor() {
        String all = String.join("\n", Dashboards.prometheusQueries().stream().map(Dashboards.Query::text).toList());
        for (String metric : List.of("spectra_jobs", "spectra_queue_depth", "spectra_queue_wait_seconds_bucket",
                "spectra_workers", "spectra_training_step_seconds_bucket", "spectra_training_samples_per_second",
                "spectra_metric_points_ingested_total")) {
            assertThat(all).contains(metric);
        }
    }

    @Test
    void everyPrometheusQueryNamesOnlyMetricsTheServiceExports() {
        List<Dashboards.Query> queries = Dashboards.prometheusQueries();
        assertThat(queries).hasSizeGreaterThan(15);
        for (Dashboards.Query q : queries) {
            Set<String> names = PromQl.metricNames(q.text());
            assertThat(names).as("metrics in %s %s: %s", q.dashboard(), q.where(), q.text()).isNotEmpty();
            for (String name : names) {
                String family = ServiceContract.family(name);
                assertThat(Stream.concat(ServiceContract.SPECTRA_METRICS.stream(), ServiceContract.DEFAULT_METRICS.stream()))
                        .as("%s in %s %s", name, q.dashboard(), q.where()).contains(family);
                if (ServiceContract.HISTOGRAMS.contains(family)) {
                    assertThat(name).as("histograms are read through their series").isNotEqualTo(family);
                }
            }
        }
    }

    @Test
    void promQlExtractionFindsMetricsAndIgnoresFunctionsLabelsAndVariables() {
        assertThat(PromQl.metricNames("histogram_quantile(0.95, sum by (le, uri) (rate(a_seconds_bucket{uri=~\"/api/v1/.*\"}[$__rate_interval])))"))
                .containsExactly("a_seconds_bucket");
        assertThat(PromQl.metricNames("(max(spectra_workers{state=\"active\"}) or vector(0)) == 0")).containsExactly("spectra_workers");
        assertThat(PromQl.metricNames("sum(x_total) / sum(y_total) > 1e3")).containsExactly("x_total", "y_total");
        assertThat(PromQl.equalityMatchers("max(a{state=\"QUEUED\", uri=~\"/x.*\", b!=\"c\", d=\"$var\"})"))
                .containsExactly(new PromQl.LabelMatch("a", "state", "QUEUED"));
    }

    @Test
    void jobDashboardSqlReadsOnlyTablesAndViewsTheMigrationsCreate() throws IOException {
        Set<String> relations = migratedRelations();
        assertThat(relations).contains("jobs", "metric_series", "metric_points_view", "job_events", "attempts", "workers");
        Pattern from = Pattern.compile("\\b(?:FROM|JOIN)\\s+([a-z_][a-z0-9_]*)", Pattern.CASE_INSENSITIVE);
        List<Dashboards.Query> queries = Dashboards.sqlQueries();
        assertThat(queries).hasSizeGreaterThanOrEqualTo(8);
        for (Dashboards.Query q : queries) {
            Matcher m = from.matcher(q.text());
            int found = 0;
            while (m.find()) {
                found++;
                assertThat(relations).as("relation in %s %s", q.dashboard(), q.where()).contains(m.group(1).toLowerCase(Locale.ROOT));
            }
            assertThat(found).as("FROM in %s %s", q.dashboard(), q.where()).isPositive();
            assertThat(q.text()).doesNotContain(";");
        }
        // Curves are keyed by the job-id variable, which lists recent jobs.
        assertThat(queries).anySatisfy(q -> assertThat(q.where()).isEqualTo("variable job_id"));
        assertThat(queries).filteredOn(q -> q.where().startsWith("panel")).allSatisfy(q -> assertThat(q.text()).contains("'$job_id'"));
    }

    static Set<String> migratedRelations() throws IOException {
        Set<String> out = new HashSet<>();
        Pattern create = Pattern.compile("CREATE\\s+(?:OR\\s+REPLACE\\s+)?(?:TABLE|VIEW|MATERIALIZED\\s+VIEW)\\s+(?:IF\\s+NOT\\s+EXISTS\\s+)?([a-z_][a-z0-9_]*)",
                Pattern.CASE_INSENSITIVE);
        try (Stream<Path> files = Files.list(RepoPaths.migrations())) {
            for (Path f : files.filter(p -> p.toString().endsWith(".sql")).toList()) {
                Matcher m = create.matcher(Files.readString(f));
                while (m.find()) {
                    out.add(m.group(1).toLowerCase(Locale.ROOT));
                }
            }
        }
        return out;
    }
}
