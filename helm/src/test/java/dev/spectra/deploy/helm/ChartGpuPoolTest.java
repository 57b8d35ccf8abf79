package dev.spectra.deploy.helm;

import static org.assertj.core.groups.Tuple.tuple;
import static dev.spectra.deploy.helm.RenderedChart.container;
import static dev.spectra.deploy.helm.RenderedChart.envValue;
import static dev.spectra.deploy.helm.RenderedChart.labelsMatch;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** helm template with ci/gpu-values.yaml: a CPU pool and a GPU pool. */
class ChartGpuPoolTest {

    private static RenderedChart chart;

    @BeforeAll
    static void render() {
        chart = ChartRenderer.bare().ciValues("gpu-values.yaml").render();
    }

    @Test
    void eachPoolIsItsOwnDeploymentWithDisjointSelectors() {
        assertThat(chart.workerPools()).extracting(d -> d.getMetadata().getName())
                .containsExactlyInAnyOrder("spectra-worker-cpu", "spectra-worker-a100");
        Deployment cpu = chart.workerPool("cpu");
        Deployment gpu = chart.workerPool("a100");
        assertThat(cpu.getSpec().getReplicas()).isEqualTo(2);
        assertThat(gpu.getSpec().getReplicas()).isEqualTo(4);
        assertThat(labelsMatch(cpu.getSpec().getSelector().getMatchLabels(), gpu.getSpec().getTemplate().getMetadata().getLabels())).isFalse();
        assertThat(labelsMatch(gpu.getSpec().getSelector().getMatchLabels(), cpu.getSpec().getTemplate().getMetadata().getLabels())).isFalse();
        assertThat(gpu.getSpec().getTemplate().getMetadata().getLabels())
                .containsEntry("spectra.dev/pool", "a100").containsEntry("spectra.dev/accelerator", "gpu");
    }

    @Test
    void gpuPoolPodsRequestGpusTolerateTheTaintAndUseTheNvidiaRuntime() {
        Deployment gpu = chart.workerPool("a100");
        PodSpec spec = gpu.getSpec().getTemplate().getSpec();
        Container c = container(gpu);
        assertThat(c.getResources().getLimits()).containsEntry("nvidia.com/gpu", new Quantity("1"));
        assertThat(spec.getTolerations()).extracting(Toleration::getKey, Toleration::getOperator, Toleration::getEffect)
                .containsExactly(tuple("nvidia.com/gpu", "Exists", "NoSchedule"));
        assertThat(spec.getNodeSelector()).containsEntry("nvidia.com/gpu.present", "true");
        assertThat(spec.getRuntimeClassName()).isEqualTo("nvidia");
        assertThat(c.getImage()).isEqualTo("spectra/spectra:0.1.0-cuda");
        assertThat(envValue(c, "SPECTRA_WORKER_ACCELERATOR")).isEqualTo("gpu");
        assertThat(envValue(c, "SPECTRA_WORKER_OMP_THREADS")).isEqualTo("4");
        assertThat(envValue(c, "OMP_NUM_THREADS")).isEqualTo("$(SPECTRA_WORKER_OMP_THREADS)");
    }

    @Test
    void gpuPoolGetsLongerToCheckpointAndTheServiceDeadlineEndsBeforeSigkill() {
        Deployment gpu = chart.workerPool("a100");
        assertThat(gpu.getSpec().getTemplate().getSpec().getTerminationGracePeriodSeconds()).isEqualTo(900L);
        assertThat(envValue(container(gpu), "SPECTRA_WORKER_SHUTDOWN_GRACE")).isEqualTo("880s");
        assertThat(envValue(container(gpu), "SPRING_LIFECYCLE_TIMEOUT_PER_SHUTDOWN_PHASE")).isEqualTo("880s");
    }

    @Test
    void noPodOutsideTheGpuPoolGetsGpusTolerationsNodeSelectorOrRuntimeClass() {
        chart.podTemplates().filter(e -> !e.getKey().equals("spectra-worker-a100")).forEach(e -> {
            PodSpec spec = e.getValue().getSpec();
            assertThat(spec.getTolerations()).as("tolerations of %s", e.getKey()).isNullOrEmpty();
            assertThat(spec.getNodeSelector()).as("nodeSelector of %s", e.getKey()).isNullOrEmpty();
            assertThat(spec.getRuntimeClassName()).as("runtimeClassName of %s", e.getKey()).isNull();
            for (Container c : spec.getContainers()) {
                assertThat(c.getResources().getLimits()).as("limits of %s", e.getKey()).doesNotContainKey("nvidia.com/gpu");
                assertThat(c.getImage()).doesNotEndWith("-cuda");
            }
        });
        assertThat(envValue(container(chart.workerPool("cpu")), "SPECTRA_WORKER_ACCELERATOR")).isEqualTo("cpu");
    }

    @Test
    void poolKeysReplaceTheDefaultsInsteadOfMergingIntoThem() {
        // The GPU pool's resources replace workerDefaults.resources as a whole.
        Container gpu = container(chart.workerPool("a100"));
        assertThat(gpu.getResources().getRequests()).containsEntry("cpu", new Quantity("4")).containsEntry("memory", new Quantity("24Gi"));
        assertThat(gpu.getResources().getLimits()).containsOnlyKeys("cpu", "memory", "nvidia.com/gpu");
        // The CPU pool gave only name and replicas: everything else is workerDefaults.
        Container cpu = container(chart.workerPool("cpu"));
        assertThat(cpu.getResources().getLimits()).containsEntry("cpu", new Quantity("2")).containsEntry("memory", new Quantity("6Gi"));
        assertThat(chart.workerPool("cpu").getSpec().getTemplate().getSpec().getTerminationGracePeriodSeconds()).isEqualTo(300L);
    }

    @Test
    void aGpuPoolWithoutAGpuLimitOrACpuPoolWithOneIsRejectedWithTheReason() {
        assertThat(ChartRenderer.withRequiredValues()
                .values("workers:\n  - name: gpu\n    accelerator: gpu\n").renderError())
                .contains("pool \"gpu\" has accelerator gpu but no resources.limits.nvidia.com/gpu");
        assertThat(ChartRenderer.withRequiredValues()
                .values("workers:\n  - name: cpu\n    resources:\n      limits:\n        nvidia.com/gpu: 1\n").renderError())
                .contains("pool \"cpu\" requests nvidia.com/gpu but has accelerator cpu");
        assertThat(ChartRenderer.withRequiredValues()
                .values("workers:\n  - name: cpu\n  - name: cpu\n").renderError())
                .contains("pool name \"cpu\" is used twice");
    }
}
