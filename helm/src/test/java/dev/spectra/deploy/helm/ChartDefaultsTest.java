package dev.spectra.deploy.helm;

import java.util.HashMap;
import static dev.spectra.deploy.helm.RenderedChart.container;
import static dev.spectra.deploy.helm.RenderedChart.envValue;
import static dev.spectra.deploy.helm.RenderedChart.labelsMatch;
import static dev.spectra.deploy.helm.RenderedChart.resolvePort;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** helm template with the default values (plus the required database host and password). */
class ChartDefaultsTest {

    private static final int MANAGEMENT_PORT = 8081;
    private static RenderedChart chart;

    @BeforeAll
    static void render() {
        chart = ChartRenderer.withRequiredValues().render();
    }

    @Test
    void rendersTheApiAndOneCpuWorkerPoolAndNothingOptional() {
        assertThat(chart.names(Deployment.class)).containsExactlyInAnyOrder("spectra-api", "spectra-worker-cpu");
        assertThat(chart.names(Service.class)).containsExactlyInAnyOrder("spectra-api", "spectra-workers");
        assertThat(chart.names(PodDisruptionBudget.class)).containsExactlyInAnyOrder("spectra-api", "spectra-worker-cpu");
        assertThat(chart.all("ServiceMonitor")).isEmpty();
        assertThat(chart.all("PrometheusRule")).isEmpty();
        assertThat(chart.objects).noneMatch(o -> o.getKind().equals("StatefulSet") || o.getKind().equals("Job")
                || o.getKind().equals("Ingress") || o.getKind().equals("HorizontalPodAutoscaler")
                || o.getKind().equals("NetworkPolicy") || o.getKind().equals("ConfigMap"));
        assertThat(chart.objects).allSatisfy(o -> assertThat(o.getMetadata().getLabels())
                .containsEntry("app.kubernetes.io/instance", "spectra")
                .containsEntry("app.kubernetes.io/part-of", "spectra"));
    }

    @Test
    void apiRunsAtLeastTwoReplicasWithTheApiRoleOnly() {
        Deployment api = chart.api();
        assertThat(api.getSpec().getReplicas()).isGreaterThanOrEqualTo(2);
        assertThat(api.getSpec().getStrategy().getRollingUpdate().getMaxUnavailable().getIntVal()).isZero();
        Container c = container(api);
        assertThat(envValue(c, "SPECTRA_API_ENABLED")).isEqualTo("true");
        assertThat(envValue(c, "SPECTRA_WORKER_ENABLED")).isEqualTo("false");
        // A short pre-stop pause, well inside the grace period, while endpoints drop the pod.
        assertThat(c.getLifecycle().getPreStop().getExec().getCommand()).containsExactly("sleep", "5");
        assertThat(api.getSpec().getTemplate().getSpec().getTerminationGracePeriodSeconds()).isGreaterThan(5L);
        assertThat(c.getPorts()).extracting(p -> p.getName() + ":" + p.getContainerPort())
                .containsExactlyInAnyOrder("http:8080", "management:" + MANAGEMENT_PORT);
    }

    @Test
    void probesHitActuatorHealthGroupsOnTheManagementPort() {
        for (Deployment d : List.of(chart.api(), chart.workerPool("cpu"))) {
            Container c = container(d);
            assertThat(envValue(c, "MANAGEMENT_SERVER_PORT")).isEqualTo(String.valueOf(MANAGEMENT_PORT));
            assertProbe(c, c.getLivenessProbe(), "/actuator/health/liveness");
            assertProbe(c, c.getStartupProbe(), "/actuator/health/liveness");
            assertProbe(c, c.getReadinessProbe(), "/actuator/health/readiness");
        }
    }

    private static void assertProbe(Container c, Probe probe, String path) {
        assertThat(probe).as("probe of %s", c.getName()).isNotNull();
        assertThat(probe.getHttpGet().getPath()).isEqualTo(path);
        assertThat(resolvePort(c, probe.getHttpGet().getPort())).isEqualTo(MANAGEMENT_PORT);
    }

    @Test
    void selectorsMatchTheirOwnPodsAndNoOtherComponentsPods() {
        Map<String, PodTemplateSpec> pods = new HashMap<>();
        chart.podTemplates().forEach(e -> pods.put(e.getKey(), e.getValue()));
        for (Deployment d : chart.all(Deployment.class)) {
            Map<String, String> selector = d.getSpec().getSelector().getMatchLabels();
            pods.forEach((name, pod) -> assertThat(labelsMatch(selector, pod.getMetadata().getLabels()))
                    .as("selector of %s vs pods of %s", d.getMetadata().getName(), name)
                    .isEqualTo(name.equals(d.getMetadata().getName())));
        }
        Service api = chart.one(Service.class, "spectra-api");
        assertThat(pods).allSatisfy((name, pod) -> assertThat(labelsMatch(api.getSpec().getSelector(), pod.getMetadata().getLabels()))
                .as("api Service selects %s", name).isEqualTo(name.equals("spectra-api")));
        Service workers = chart.one(Service.class, "spectra-workers");
        assertThat(workers.getSpec().getClusterIP()).isEqualTo("None");
        assertThat(pods).allSatisfy((name, pod) -> assertThat(labelsMatch(workers.getSpec().getSelector(), pod.getMetadata().getLabels()))
                .as("workers Service selects %s", name).isEqualTo(name.startsWith("spectra-worker-")));
        for (PodDisruptionBudget pdb : chart.all(PodDisruptionBudget.class)) {
            assertThat(pods).allSatisfy((name, pod) -> assertThat(labelsMatch(pdb.getSpec().getSelector().getMatchLabels(), pod.getMetadata().getLabels()))
                    .as("PDB %s selects %s", pdb.getMetadata().getName(), name).isEqualTo(name.equals(pdb.getMetadata().getName())));
        }
    }

    @Test
    void servicePortsTargetNamedContainerPorts() {
        Container api = container(chart.api());
        Service svc = chart.one(Service.class, "spectra-api");
        Map<String, Integer> ports = new HashMap<>();
        for (ServicePort p : svc.getSpec().getPorts()) {
            ports.put(p.getName(), resolvePort(api, p.getTargetPort()));
        }
        assertThat(ports).containsEntry("http", 8080).containsEntry("management", MANAGEMENT_PORT);
        Container worker = container(chart.workerPool("cpu"));
        ServicePort wp = chart.one(Service.class, "spectra-workers").getSpec().getPorts().get(0);
        assertThat(resolvePort(worker, wp.getTargetPort())).isEqualTo(MANAGEMENT_PORT);
    }

    @Test
    void prometheusAnnotationsPointAtTheActuatorEndpointOnTheManagementPort() {
        for (Deployment d : List.of(chart.api(), chart.workerPool("cpu"))) {
            Map<String, String> a = d.getSpec().getTemplate().getMetadata().getAnnotations();
            assertThat(a).containsEntry("prometheus.io/scrape", "true")
                    .containsEntry("prometheus.io/path", "/actuator/prometheus")
                    .containsEntry("prometheus.io/port", String.valueOf(resolvePort(container(d),
                            new io.fabric8.kubernetes.api.model.IntOrString("management"))));
        }
    }

    @Test
    void secretsAreReferencedNeverInlined() {
        Secret secret = chart.one(Secret.class, "spectra");
        assertThat(secret.getData()).containsOnlyKeys("db-user", "db-password", "bootstrap-token");
        assertThat(decode(secret.getData().get("db-password"))).isEqualTo(ChartRenderer.DB_PASSWORD);
        assertThat(decode(secret.getData().get("bootstrap-token"))).isEqualTo(ChartRenderer.BOOTSTRAP_TOKEN);
        // The plain secrets appear nowhere in the rendered output (only base64 inside the Secret).
        assertThat(chart.raw).doesNotContain(ChartRenderer.DB_PASSWORD).doesNotContain(ChartRenderer.BOOTSTRAP_TOKEN);
        chart.podTemplates().forEach(e -> {
            for (Container c : e.getValue().getSpec().getContainers()) {
                for (String name : List.of("SPECTRA_DB_PASSWORD", "SPECTRA_BOOTSTRAP_TOKEN", "SPECTRA_DB_USER")) {
                    EnvVar v = c.getEnv().stream().filter(x -> x.getName().equals(name)).findFirst()
                            .orElseThrow(() -> new AssertionError(e.getKey() + " lacks " + name));
                    assertThat(v.getValue()).as("%s %s inlined", e.getKey(), name).isNull();
                    assertThat(v.getValueFrom().getSecretKeyRef().getName()).isEqualTo("spectra");
                    assertThat(secret.getData()).containsKey(v.getValueFrom().getSecretKeyRef().getKey());
                }
                assertThat(envValue(c, "SPECTRA_DB_URL")).isEqualTo("jdbc:postgresql://" + ChartRenderer.DB_HOST + ":5432/spectra");
            }
        });
    }

    private static String decode(String b64) {
        return new String(Base64.getDecoder().decode(b64), StandardCharsets.UTF_8);
    }

    @Test
    void defaultPoolIsCpuOnlyWithNoGpuResourcesTolerationsOrRuntimeClass() {
        chart.podTemplates().forEach(e -> {
            PodSpec spec = e.getValue().getSpec();
            assertThat(spec.getTolerations()).as("tolerations of %s", e.getKey()).isNullOrEmpty();
            assertThat(spec.getRuntimeClassName()).isNull();
            for (Container c : spec.getContainers()) {
                assertThat(c.getResources().getLimits()).doesNotContainKey("nvidia.com/gpu");
                assertThat(c.getResources().getRequests()).doesNotContainKey("nvidia.com/gpu");
            }
        });
        Container worker = container(chart.workerPool("cpu"));
        assertThat(envValue(worker, "SPECTRA_WORKER_ACCELERATOR")).isEqualTo("cpu");
        assertThat(envValue(worker, "SPECTRA_API_ENABLED")).isEqualTo("false");
        assertThat(worker.getImage()).isEqualTo("spectra/spectra:0.1.0");
        // OpenMP threads follow the CPU limit, and OMP_NUM_THREADS is in the env before the JVM starts.
        EnvVar omp = worker.getEnv().stream().filter(v -> v.getName().equals("SPECTRA_WORKER_OMP_THREADS")).findFirst().orElseThrow();
        assertThat(omp.getValueFrom().getResourceFieldRef().getResource()).isEqualTo("limits.cpu");
        assertThat(omp.getValueFrom().getResourceFieldRef().getContainerName()).isEqualTo("worker");
        assertThat(envValue(worker, "OMP_NUM_THREADS")).isEqualTo("$(SPECTRA_WORKER_OMP_THREADS)");
        assertThat(worker.getResources().getLimits()).containsEntry("cpu", new Quantity("2"));
    }

    @Test
    void workersGetTimeToCheckpointBeforeSigkill() {
        Deployment worker = chart.workerPool("cpu");
        long grace = worker.getSpec().getTemplate().getSpec().getTerminationGracePeriodSeconds();
        assertThat(grace).isEqualTo(300);
        assertThat(envValue(container(worker), "SPECTRA_WORKER_SHUTDOWN_GRACE")).isEqualTo((grace - 20) + "s");
        assertThat(container(worker).getEnv()).anySatisfy(v -> {
            assertThat(v.getName()).isEqualTo("SPECTRA_WORKER_NAME");
            assertThat(v.getValueFrom().getFieldRef().getFieldPath()).isEqualTo("metadata.name");
        });
    }

    @Test
    void podsRunAsNonRootWithAReadOnlyRootAndAWritableTmp() {
        chart.podTemplates().forEach(e -> {
            PodSpec spec = e.getValue().getSpec();
            assertThat(spec.getSecurityContext().getRunAsNonRoot()).isTrue();
            assertThat(spec.getAutomountServiceAccountToken()).isFalse();
            for (Container c : spec.getContainers()) {
                assertThat(c.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
                assertThat(c.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
                assertThat(c.getVolumeMounts()).anySatisfy(m -> assertThat(m.getMountPath()).isEqualTo("/tmp"));
            }
        });
    }

    @Test
    void aMissingDatabaseHostIsNamedInTheError() {
        assertThat(ChartRenderer.withRequiredValues().set("database.host", "").renderError())
                .contains("database.host is required");
        assertThat(ChartRenderer.withRequiredValues().set("database.password", "").renderError())
                .contains("database.password is required");
        assertThat(ChartRenderer.withRequiredValues().set("auth.bootstrapToken", "").renderError())
                .contains("auth.bootstrapToken is required");
    }
}
