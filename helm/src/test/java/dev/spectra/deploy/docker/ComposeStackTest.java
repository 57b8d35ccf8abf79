package dev.spectra.deploy.docker;

import java.util.LinkedHashMap;
import static org.assertj.core.api.Assertions.assertThat;

import dev.spectra.deploy.support.RepoPaths;
import dev.spectra.deploy.support.Yaml;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;

/**
 * docker/compose.yaml and the files it mounts: everything it names exists, workers scale, and
 * Prometheus and Grafana point at the services and ports the stack really has.
 */
class ComposeStackTest {

    private static Map<String, Object> compose;
    private static Map<String, Map<String, Object>> services;

    @BeforeAll
    @SuppressWarnings("unchecked")
    static void parse() throws IOException {
        // SnakeYAML resolves the <<: merge keys the file uses, like Compose does.
        compose = new org.yaml.snakeyaml.Yaml(new LoaderOptions()).load(Files.readString(RepoPaths.docker().resolve("compose.yaml")));
        services = (Map<String, Map<String, Object>>) compose.get("services");
    }

    @Test
    void stackHasTheExpectedServices() {
        assertThat(services).containsOnlyKeys("postgres", "api", "worker", "prometheus", "grafana");
        assertThat(compose.get("name")).isEqualTo("spectra");
    }

    @Test
    @SuppressWarnings("unchecked")
    void dependenciesAndNamedVolumesAllExist() {
        Set<String> volumes = ((Map<String, Object>) compose.get("volumes")).keySet();
        services.forEach((name, svc) -> {
            Object deps = svc.get("depends_on");
            Iterable<String> depNames = deps instanceof Map<?, ?> m ? (Set<String>) m.keySet() : deps == null ? List.of() : (List<String>) deps;
            depNames.forEach(d -> assertThat(services).as("%s depends on %s", name, d).containsKey(d));
            for (String v : (List<String>) svc.getOrDefault("volumes", List.of())) {
                String source = v.split(":")[0];
                if (source.startsWith(".") || source.startsWith("/")) {
                    assertThat(RepoPaths.docker().resolve(source).normalize()).as("bind mount of %s", name).exists();
                } else {
                    assertThat(volumes).as("named volume %s of %s", source, name).contains(source);
                }
            }
        });
    }

    @Test
    @SuppressWarnings("unchecked")
    void apiAndWorkerBuildTheServiceImageFromTheRepository() {
        for (String name : List.of("api", "worker")) {
            Map<String, Object> build = (Map<String, Object>) services.get(name).get("build");
            Path context = RepoPaths.docker().resolve((String) build.get("context")).normalize();
            assertThat(context).isEqualTo(RepoPaths.root().normalize());
            assertThat(context.resolve((String) build.get("dockerfile"))).exists();
            assertThat(services.get(name).get("image")).isEqualTo("${SPECTRA_IMAGE:-spectra:local}");
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void workersScaleAndReachPostgresThroughTheComposeNetwork() {
        Map<String, Object> worker = services.get("worker");
        assertThat(worker).doesNotContainKeys("container_name", "ports");
        Map<String, Object> env = (Map<String, Object>) worker.get("environment");
        assertThat(env).containsEntry("SPECTRA_API_ENABLED", "false").containsEntry("SPECTRA_WORKER_ENABLED", "true")
                .containsKeys("SPECTRA_WORKER_SLOTS", "SPECTRA_WORKER_OMP_THREADS", "SPECTRA_DB_PASSWORD", "SPECTRA_BOOTSTRAP_TOKEN");
        assertThat((String) env.get("SPECTRA_DB_URL")).startsWith("jdbc:postgresql://postgres:5432/");
        Map<String, Object> apiEnv = (Map<String, Object>) services.get("api").get("environment");
        assertThat(apiEnv).containsEntry("SPECTRA_WORKER_ENABLED", "false").containsEntry("SPECTRA_API_ENABLED", "true");
        assertThat(Yaml.<String>at(services.get("worker"), "depends_on", "postgres", "condition")).isEqualTo("service_healthy");
        assertThat(Yaml.<String>at(services.get("worker"), "depends_on", "api", "condition")).isEqualTo("service_healthy");
        assertThat(Yaml.<List<String>>at(services.get("postgres"), "healthcheck", "test")).anySatisfy(t -> assertThat(t).contains("pg_isready"));
        assertThat((List<String>) services.get("api").get("ports")).containsExactly("${SPECTRA_PORT:-8080}:8080");
    }

    @Test
    void prometheusScrapesEveryApiAndWorkerReplicaOnTheActuatorEndpoint() {
        Map<String, Object> prom = Yaml.file(RepoPaths.docker().resolve("prometheus/prometheus.yml"));
        List<Map<String, Object>> jobs = Yaml.at(prom, "scrape_configs");
        for (String service : List.of("api", "worker")) {
            Map<String, Object> job = jobs.stream().filter(j -> ("spectra-" + service).equals(j.get("job_name"))).findFirst().orElseThrow();
            assertThat(job.get("metrics_path")).isEqualTo("/actuator/prometheus");
            // DNS service discovery: one target per `--scale` replica.
            assertThat(Yaml.<List<String>>at(job, "dns_sd_configs", 0, "names")).containsExactly(service);
            assertThat(Yaml.<Integer>at(job, "dns_sd_configs", 0, "port")).isEqualTo(8080);
            assertThat(services).containsKey(service);
        }
        assertThat(Yaml.<List<String>>at(prom, "rule_files")).containsExactly("/etc/prometheus/alerts.yml");
        assertThat(mountTargets("prometheus")).containsEntry("./prometheus/alerts.yml", "/etc/prometheus/alerts.yml")
                .containsEntry("./prometheus/prometheus.yml", "/etc/prometheus/prometheus.yml");
    }

    @Test
    void grafanaProvisionsBothDataSourcesAndLoadsTheDashboardDirectory() {
        Map<String, String> mounts = mountTargets("grafana");
        Map<String, Object> ds = Yaml.file(RepoPaths.docker().resolve("grafana/provisioning/datasources/spectra.yaml"));
        List<Map<String, Object>> sources = Yaml.at(ds, "datasources");
        assertThat(sources).extracting(s -> s.get("type")).containsExactlyInAnyOrder("prometheus", "grafana-postgresql-datasource");
        Map<String, Object> promDs = sources.stream().filter(s -> s.get("type").equals("prometheus")).findFirst().orElseThrow();
        assertThat(promDs.get("url")).isEqualTo("http://prometheus:9090");
        Map<String, Object> pgDs = sources.stream().filter(s -> s.get("type").equals("grafana-postgresql-datasource")).findFirst().orElseThrow();
        assertThat(pgDs.get("url")).isEqualTo("postgres:5432");
        // Credentials come from the container environment, which compose fills from the same variables as postgres.
        Map<String, Object> grafanaEnv = Yaml.at(services.get("grafana"), "environment");
        for (String ref : List.of((String) pgDs.get("user"), Yaml.<String>at(pgDs, "secureJsonData", "password"), Yaml.<String>at(pgDs, "jsonData", "database"))) {
            assertThat(ref).startsWith("$");
            assertThat(grafanaEnv).containsKey(ref.substring(1));
        }
        Map<String, Object> provider = Yaml.file(RepoPaths.docker().resolve("grafana/provisioning/dashboards/spectra.yaml"));
        assertThat(mounts).containsEntry("./grafana/dashboards", Yaml.at(provider, "providers", 0, "options", "path"));
        assertThat(mounts).containsEntry("./grafana/provisioning", "/etc/grafana/provisioning");
        String home = (String) grafanaEnv.get("GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH");
        assertThat(RepoPaths.dashboards().resolve(Path.of(home).getFileName())).exists();
    }

    @Test
    void everyVariableTheStackReadsHasADefault() throws IOException {
        // `docker compose up` with no .env must work: ${VAR} without :- would be empty. ($${VAR}
        // is an escaped dollar that the container's shell expands, not compose.)
        Matcher m = Pattern.compile("(?<!\\$)\\$\\{([A-Z_]+)(:-[^}]*)?}").matcher(Files.readString(RepoPaths.docker().resolve("compose.yaml")));
        int count = 0;
        while (m.find()) {
            count++;
            assertThat(m.group(2)).as("default of ${%s}", m.group(1)).isNotNull();
        }
        assertThat(count).isGreaterThan(5);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, String> mountTargets(String service) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String v : (List<String>) services.get(service).get("volumes")) {
            String[] parts = v.split(":");
            out.put(parts[0], parts[1]);
        }
        return out;
    }
}
