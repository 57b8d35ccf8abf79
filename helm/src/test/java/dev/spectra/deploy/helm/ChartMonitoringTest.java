package dev.spectra.deploy.helm;

import dev.spectra.deploy.support.RepoPaths;
import java.util.TreeMap;
import static dev.spectra.deploy.helm.RenderedChart.container;
import static dev.spectra.deploy.helm.RenderedChart.labelsMatch;
import static dev.spectra.deploy.helm.RenderedChart.resolvePort;
import static org.assertj.core.api.Assertions.assertThat;

import dev.spectra.deploy.support.Dashboards;
import dev.spectra.deploy.support.PromQl;
import dev.spectra.deploy.support.Promtool;
import dev.spectra.deploy.support.ServiceContract;
import dev.spectra.deploy.support.Yaml;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** helm template with ci/monitoring-values.yaml: ServiceMonitor, PrometheusRule, dashboards, NetworkPolicy, Ingress. */
class ChartMonitoringTest {

    private static RenderedChart chart;

    @BeforeAll
    static void render() {
        chart = ChartRenderer.bare().ciValues("monitoring-values.yaml").render();
    }

    @Test
    void serviceMonitorScrapesTheActuatorEndpointOfApiAndWorkerPods() {
        GenericKubernetesResource sm = chart.one("ServiceMonitor");
        assertThat(sm.getApiVersion()).isEqualTo("monitoring.coreos.com/v1");
        assertThat(sm.getMetadata().getLabels()).containsEntry("release", "kube-prometheus-stack");
        Map<String, String> selector = Yaml.at(sm.getAdditionalProperties(), "spec", "selector", "matchLabels");
        List<Map<String, Object>> endpoints = Yaml.at(sm.getAdditionalProperties(), "spec", "endpoints");
        assertThat(endpoints).hasSize(1);
        assertThat(endpoints.get(0)).containsEntry("path", "/actuator/prometheus").containsEntry("port", "management");
        assertThat(Yaml.<List<String>>at(sm.getAdditionalProperties(), "spec", "namespaceSelector", "matchNames")).containsExactly("ml");

        // The selector (labels + component expression) picks exactly the api and workers Services ...
        List<String> values = Yaml.at(sm.getAdditionalProperties(), "spec", "selector", "matchExpressions", 0, "values");
        List<Service> selected = chart.all(Service.class).stream()
                .filter(s -> labelsMatch(selector, s.getMetadata().getLabels()))
                .filter(s -> values.contains(s.getMetadata().getLabels().get("app.kubernetes.io/component")))
                .toList();
        assertThat(selected).extracting(s -> s.getMetadata().getName()).containsExactlyInAnyOrder("spectra-api", "spectra-workers");
        // ... whose "management" port leads to the container port the service's actuator listens on.
        for (Service s : selected) {
            ServicePort port = s.getSpec().getPorts().stream().filter(p -> "management".equals(p.getName())).findFirst().orElseThrow();
            chart.all(Deployment.class).stream()
                    .filter(d -> labelsMatch(s.getSpec().getSelector(), d.getSpec().getTemplate().getMetadata().getLabels()))
                    .forEach(d -> {
                        int target = resolvePort(container(d), port.getTargetPort());
                        assertThat(target).isEqualTo(8081);
                        assertThat(RenderedChart.envValue(container(d), "MANAGEMENT_SERVER_PORT")).isEqualTo(String.valueOf(target));
                    });
        }
    }

    @Test
    void prometheusRuleHasTheFourAlertsOnMetricsTheServiceExports() {
        GenericKubernetesResource rule = chart.one("PrometheusRule");
        List<Map<String, Object>> rules = Yaml.at(rule.getAdditionalProperties(), "spec", "groups", 0, "rules");
        Map<String, String> exprs = new TreeMap<>();
        rules.forEach(r -> exprs.put((String) r.get("alert"), (String) r.get("expr")));
        assertThat(exprs).containsOnlyKeys("SpectraNoHealthyWorkers", "SpectraQueuedJobTooOld",
                "SpectraLeasesExpired", "SpectraMetricIngestErrors");
        assertThat(PromQl.metricNames(exprs.get("SpectraNoHealthyWorkers"))).containsExactly("spectra_workers");
        assertThat(PromQl.metricNames(exprs.get("SpectraQueuedJobTooOld"))).containsExactly("spectra_queue_oldest_age_seconds");
        assertThat(exprs.get("SpectraQueuedJobTooOld")).endsWith("> 1800");
        assertThat(PromQl.metricNames(exprs.get("SpectraLeasesExpired"))).containsExactly("spectra_leases_expired_total");
        assertThat(PromQl.metricNames(exprs.get("SpectraMetricIngestErrors"))).containsExactly("spectra_metric_ingest_errors_total");
        exprs.values().forEach(e -> assertThat(e).contains("namespace=\"ml\""));
        rules.forEach(r -> assertThat(Yaml.<String>at(r, "labels", "severity")).isIn("warning", "critical"));
        // Prometheus' own template syntax survives Helm's.
        assertThat(chart.raw).contains("{{ $value | humanizeDuration }}");
    }

    @Test
    void prometheusRuleSpecPassesPromtool(@TempDir Path dir) throws Exception {
        Promtool promtool = Promtool.require();
        GenericKubernetesResource rule = chart.one("PrometheusRule");
        Files.writeString(dir.resolve("chart-rules.yml"), Yaml.YAML.writeValueAsString(rule.getAdditionalProperties().get("spec")));
        assertThat(promtool.run(dir, "check", "rules", "chart-rules.yml")).contains("SUCCESS: 4 rules found");
    }

    @Test
    void alertsInTheChartAndTheComposeStackAreTheSameSet() {
        GenericKubernetesResource rule = chart.one("PrometheusRule");
        List<Map<String, Object>> chartRules = Yaml.at(rule.getAdditionalProperties(), "spec", "groups", 0, "rules");
        Map<String, Object> compose = Yaml.file(RepoPaths.docker().resolve("prometheus/alerts.yml"));
        List<Map<String, Object>> composeRules = Yaml.at(compose, "groups", 0, "rules");
        Set<String> chartAlerts = new TreeSet<>();
        chartRules.forEach(r -> chartAlerts.add((String) r.get("alert")));
        Set<String> composeAlerts = new TreeSet<>();
        composeRules.forEach(r -> composeAlerts.add((String) r.get("alert")));
        assertThat(composeAlerts).isEqualTo(chartAlerts);
        for (Map<String, Object> r : composeRules) {
            String expr = (String) r.get("expr");
            String chartExpr = (String) chartRules.stream().filter(c -> c.get("alert").equals(r.get("alert"))).findFirst().orElseThrow().get("expr");
            // Same query once the chart's namespace matcher is dropped.
            assertThat(chartExpr.replace("namespace=\"ml\",", "").replace("{namespace=\"ml\"}", ""))
                    .as("expr of %s", r.get("alert")).isEqualTo(expr);
        }
    }

    @Test
    void dashboardConfigMapsCarryTheSidecarLabelAndTheExactDockerDashboardFiles() throws IOException {
        // One source: the chart's dashboards/ is a relative symlink to docker/grafana/dashboards.
        Path link = RepoPaths.chart().resolve("dashboards");
        assertThat(Files.isSymbolicLink(link)).isTrue();
        assertThat(Files.readSymbolicLink(link).isAbsolute()).isFalse();
        assertThat(link.toRealPath()).isEqualTo(RepoPaths.dashboards().toRealPath());
        List<ConfigMap> maps = chart.all(ConfigMap.class);
        List<Path> files = Dashboards.files();
        assertThat(files).hasSizeGreaterThanOrEqualTo(2);
        assertThat(maps).hasSameSizeAs(files);
        for (Path file : files) {
            String name = file.getFileName().toString();
            ConfigMap cm = maps.stream().filter(m -> m.getData().containsKey(name)).findFirst()
                    .orElseThrow(() -> new AssertionError("no ConfigMap holds " + name));
            assertThat(cm.getMetadata().getNamespace()).isEqualTo("monitoring");
            assertThat(cm.getMetadata().getLabels()).containsEntry("grafana_dashboard", "1");
            assertThat(cm.getMetadata().getAnnotations()).containsEntry("grafana_folder", "Spectra");
            // One source: the chart ships byte-for-byte what compose provisions (YAML block scalar
            // drops only the trailing newline).
            assertThat(cm.getData().get(name)).isEqualTo(Files.readString(file).stripTrailing());
        }
    }

    @Test
    void grafanaGetsThePostgresDataSourceTheJobDashboardSelects() {
        Secret ds = chart.one(Secret.class, "spectra-grafana-datasource");
        assertThat(ds.getMetadata().getNamespace()).isEqualTo("monitoring");
        assertThat(ds.getMetadata().getLabels()).containsEntry("grafana_datasource", "1");
        Map<String, Object> provisioning = Yaml.documents(ds.getStringData().get("spectra-postgres.yaml")).get(0);
        Map<String, Object> source = Yaml.at(provisioning, "datasources", 0);
        assertThat(source).containsEntry("url", "postgres.databases.svc:5432").containsEntry("user", "grafana_reader");
        assertThat(Yaml.<String>at(source, "jsonData", "database")).isEqualTo("spectra");
        // The job dashboard's data source variable lists data sources of exactly this type.
        String type = (String) source.get("type");
        Path jobDashboard = RepoPaths.dashboards().resolve("spectra-job.json");
        assertThat(Dashboards.datasourceVariables(Dashboards.read(jobDashboard))).containsValue(type);
        // The Spectra database credentials stay out of it: Grafana gets its own read-only role.
        assertThat(ds.getStringData().get("spectra-postgres.yaml")).doesNotContain("example-only-use-existingSecret");
    }

    @Test
    void networkPoliciesOpenTheApiPortToIngressAndTheManagementPortToMonitoring() {
        NetworkPolicy api = chart.one(NetworkPolicy.class, "spectra-api");
        assertThat(labelsMatch(api.getSpec().getPodSelector().getMatchLabels(),
                chart.api().getSpec().getTemplate().getMetadata().getLabels())).isTrue();
        List<NetworkPolicyIngressRule> rules = api.getSpec().getIngress();
        assertThat(rules).hasSize(2);
        assertThat(rules.get(0).getPorts().get(0).getPort()).isEqualTo(new IntOrString("http"));
        assertThat(rules.get(0).getFrom().get(0).getNamespaceSelector().getMatchLabels())
                .containsEntry("kubernetes.io/metadata.name", "ingress-nginx");
        assertThat(rules.get(0).getFrom()).hasSize(2);
        assertThat(labelsMatch(rules.get(0).getFrom().get(1).getPodSelector().getMatchLabels(),
                chart.workerPool("cpu").getSpec().getTemplate().getMetadata().getLabels())).isTrue();
        assertThat(rules.get(1).getPorts().get(0).getPort()).isEqualTo(new IntOrString("management"));
        assertThat(rules.get(1).getFrom()).anySatisfy(peer -> assertThat(peer.getNamespaceSelector()).isNotNull()
                .extracting(sel -> sel.getMatchLabels().get("kubernetes.io/metadata.name")).isEqualTo("monitoring"));
        // Pods of the same release keep access too.
        assertThat(rules.get(1).getFrom()).anySatisfy(peer -> assertThat(peer.getPodSelector()).isNotNull());
        NetworkPolicy workers = chart.one(NetworkPolicy.class, "spectra-workers");
        for (Deployment d : chart.workerPools()) {
            assertThat(labelsMatch(workers.getSpec().getPodSelector().getMatchLabels(),
                    d.getSpec().getTemplate().getMetadata().getLabels())).isTrue();
        }
        assertThat(labelsMatch(workers.getSpec().getPodSelector().getMatchLabels(),
                chart.api().getSpec().getTemplate().getMetadata().getLabels())).isFalse();
        assertThat(workers.getSpec().getIngress()).singleElement()
                .satisfies(r -> assertThat(r.getPorts().get(0).getPort()).isEqualTo(new IntOrString("management")));
    }

    @Test
    void ingressRoutesToTheApiPortOnlyAndKeepsSseUnbuffered() {
        Ingress ing = chart.one(Ingress.class, "spectra-api");
        assertThat(ing.getSpec().getIngressClassName()).isEqualTo("nginx");
        var backend = ing.getSpec().getRules().get(0).getHttp().getPaths().get(0).getBackend().getService();
        assertThat(backend.getName()).isEqualTo("spectra-api");
        assertThat(backend.getPort().getName()).isEqualTo("http");
        assertThat(ing.getMetadata().getAnnotations()).containsEntry("nginx.ingress.kubernetes.io/proxy-buffering", "off");
        assertThat(ing.getSpec().getTls().get(0).getSecretName()).isEqualTo("spectra-tls");
        assertThat(chart.api().getSpec().getReplicas()).isEqualTo(3);
    }

    @Test
    void everyMetricTheAlertsReadIsInTheServiceContract() {
        GenericKubernetesResource rule = chart.one("PrometheusRule");
        List<Map<String, Object>> rules = Yaml.at(rule.getAdditionalProperties(), "spec", "groups", 0, "rules");
        for (Map<String, Object> r : rules) {
            for (String m : PromQl.metricNames((String) r.get("expr"))) {
                assertThat(ServiceContract.SPECTRA_METRICS).as("metric of alert %s", r.get("alert")).contains(ServiceContract.family(m));
            }
        }
    }
}
