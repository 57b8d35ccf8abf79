package dev.spectra.deploy.helm;

import java.nio.file.Files;
import java.io.UncheckedIOException;
import java.io.IOException;
import static dev.spectra.deploy.helm.RenderedChart.container;
import static dev.spectra.deploy.helm.RenderedChart.envValue;
import static dev.spectra.deploy.helm.RenderedChart.labelsMatch;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import dev.spectra.deploy.support.RepoPaths;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The optional parts: HPA, existingSecret, bundled PostgreSQL, migration hook Job. */
class ChartOptionsTest {

    @Test
    void hpaOwnsTheApiReplicaCountWhenEnabled() {
        RenderedChart chart = ChartRenderer.withRequiredValues().set("api.autoscaling.enabled", true).render();
        HorizontalPodAutoscaler hpa = chart.one(HorizontalPodAutoscaler.class, "spectra-api");
        assertThat(hpa.getSpec().getScaleTargetRef().getName()).isEqualTo("spectra-api");
        assertThat(hpa.getSpec().getScaleTargetRef().getKind()).isEqualTo("Deployment");
        assertThat(hpa.getSpec().getMinReplicas()).isEqualTo(2);
        assertThat(hpa.getSpec().getMaxReplicas()).isEqualTo(6);
        assertThat(hpa.getSpec().getMetrics().get(0).getResource().getTarget().getAverageUtilization()).isEqualTo(70);
        // No replicas field, or every helm upgrade would reset what the HPA chose.
        assertThat(chart.api().getSpec().getReplicas()).isNull();
    }

    @Test
    void existingSecretIsReferencedWithItsOwnKeysAndNoSecretIsRendered() {
        RenderedChart chart = ChartRenderer.bare().set("database.host", "db")
                .set("existingSecret.name", "spectra-prod").set("existingSecret.passwordKey", "pg-pass")
                .set("existingSecret.userKey", "").set("database.user", "spectra_app").render();
        assertThat(chart.all(Secret.class)).isEmpty();
        Container api = container(chart.api());
        assertThat(envValue(api, "SPECTRA_DB_USER")).isEqualTo("spectra_app");
        EnvVar password = api.getEnv().stream().filter(e -> e.getName().equals("SPECTRA_DB_PASSWORD")).findFirst().orElseThrow();
        assertThat(password.getValueFrom().getSecretKeyRef().getName()).isEqualTo("spectra-prod");
        assertThat(password.getValueFrom().getSecretKeyRef().getKey()).isEqualTo("pg-pass");
        EnvVar token = api.getEnv().stream().filter(e -> e.getName().equals("SPECTRA_BOOTSTRAP_TOKEN")).findFirst().orElseThrow();
        assertThat(token.getValueFrom().getSecretKeyRef().getName()).isEqualTo("spectra-prod");
        assertThat(token.getValueFrom().getSecretKeyRef().getKey()).isEqualTo("bootstrap-token");
    }

    @Test
    void bundledPostgresqlIsWiredToTheSameSecretAndWaitedFor() {
        RenderedChart chart = ChartRenderer.bare().ciValues("trial-values.yaml").render();
        StatefulSet pg = chart.one(StatefulSet.class, "spectra-postgresql");
        Service svc = chart.one(Service.class, "spectra-postgresql");
        assertThat(labelsMatch(svc.getSpec().getSelector(), pg.getSpec().getTemplate().getMetadata().getLabels())).isTrue();
        assertThat(pg.getSpec().getVolumeClaimTemplates().get(0).getSpec().getResources().getRequests().get("storage").toString()).isEqualTo("8Gi");
        Container pgc = pg.getSpec().getTemplate().getSpec().getContainers().get(0);
        EnvVar pgPassword = pgc.getEnv().stream().filter(e -> e.getName().equals("POSTGRES_PASSWORD")).findFirst().orElseThrow();
        assertThat(pgPassword.getValueFrom().getSecretKeyRef().getKey()).isEqualTo("db-password");
        for (Deployment d : chart.all(Deployment.class)) {
            assertThat(envValue(container(d), "SPECTRA_DB_URL")).isEqualTo("jdbc:postgresql://spectra-postgresql:5432/spectra");
            assertThat(d.getSpec().getTemplate().getSpec().getInitContainers()).extracting(Container::getName).containsExactly("wait-for-postgres");
        }
        // No api selector or PDB picks up the database pod.
        assertThat(labelsMatch(chart.api().getSpec().getSelector().getMatchLabels(), pg.getSpec().getTemplate().getMetadata().getLabels())).isFalse();
    }

    @Test
    void migrationJobAndItsSecretAreHooksThatRunBeforeTheDeployments() {
        // helm template (like helm-java's) leaves hooks out of the manifest: with the default hook
        // annotations neither the Job nor the Secret is an ordinary release object ...
        RenderedChart hooked = ChartRenderer.withRequiredValues().values("migrations:\n  mode: job\n").render();
        assertThat(hooked.all(Job.class)).isEmpty();
        assertThat(hooked.all(Secret.class)).isEmpty();
        assertThat(hooked.names(Deployment.class)).containsExactlyInAnyOrder("spectra-api", "spectra-worker-cpu");
        // ... they are hooks, ordered Secret first, then the Job, both before install/upgrade
        // (asserted on the template text, since no helm-java command prints hook manifests).
        String job = read("templates/migrations-job.yaml");
        String secret = read("templates/secret.yaml");
        assertThat(job).contains("helm.sh/hook: pre-install,pre-upgrade", "helm.sh/hook-weight: \"0\"");
        assertThat(secret).contains("helm.sh/hook: pre-install,pre-upgrade", "helm.sh/hook-weight: \"-10\"");
    }

    private static String read(String chartFile) {
        try {
            return Files.readString(RepoPaths.chart().resolve(chartFile));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void migrationJobMigratesWithTheServiceImageAndTheSameDatabaseSettings() {
        RenderedChart chart = ChartRenderer.withRequiredValues()
                .values("migrations:\n  mode: job\n  job:\n    helmHook: false\n    annotations:\n      argocd.argoproj.io/hook: PreSync\n"
                        + "database:\n  params: sslmode=require\n").render();
        Job job = chart.one(Job.class, "spectra-migrate");
        Container c = job.getSpec().getTemplate().getSpec().getContainers().get(0);
        assertThat(c.getImage()).isEqualTo(container(chart.api()).getImage());
        assertThat(c.getArgs()).contains("--spectra.api.enabled=false", "--spectra.worker.enabled=false");
        assertThat(envValue(c, "SPECTRA_DB_URL")).isEqualTo("jdbc:postgresql://" + ChartRenderer.DB_HOST + ":5432/spectra?sslmode=require");
        assertThat(c.getEnv()).filteredOn(e -> e.getName().equals("SPECTRA_DB_PASSWORD"))
                .singleElement().satisfies(e -> assertThat(e.getValueFrom().getSecretKeyRef().getName()).isEqualTo("spectra"));
        assertThat(job.getSpec().getTemplate().getSpec().getRestartPolicy()).isEqualTo("Never");
        assertThat(job.getSpec().getBackoffLimit()).isEqualTo(3);
        assertThat(job.getMetadata().getAnnotations()).containsOnly(Map.entry("argocd.argoproj.io/hook", "PreSync"));
        assertThat(chart.one(Secret.class, "spectra").getMetadata().getAnnotations()).isNullOrEmpty();
    }

    @Test
    void anApiOnlyReleaseHasNoWorkerObjects() {
        RenderedChart chart = ChartRenderer.withRequiredValues().values("workers: []\n").render();
        assertThat(chart.names(Deployment.class)).containsExactly("spectra-api");
        assertThat(chart.names(Service.class)).containsExactly("spectra-api");
        assertThat(chart.workerPools()).isEmpty();
    }

    @Test
    void nameOverridesFlowIntoEveryNameAndSelector() {
        RenderedChart chart = ChartRenderer.withRequiredValues().set("fullnameOverride", "train").render();
        assertThat(chart.names(Deployment.class)).containsExactlyInAnyOrder("train-api", "train-worker-cpu");
        assertThat(chart.names(Service.class)).containsExactlyInAnyOrder("train-api", "train-workers");
        EnvVar pw = container(chart.one(Deployment.class, "train-api")).getEnv().stream()
                .filter(e -> e.getName().equals("SPECTRA_DB_PASSWORD")).findFirst().orElseThrow();
        assertThat(pw.getValueFrom().getSecretKeyRef().getName()).isEqualTo("train");
        assertThat(chart.names(Secret.class)).isEqualTo(List.of("train"));
    }
}
