package dev.spectra.deploy.helm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spectra.deploy.support.Yaml;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/** The manifests of one {@code helm template} run, typed with the fabric8 Kubernetes model. */
final class RenderedChart {

    private static final Map<String, Class<? extends HasMetadata>> TYPES = Map.ofEntries(
            Map.entry("Deployment", Deployment.class),
            Map.entry("StatefulSet", StatefulSet.class),
            Map.entry("Service", Service.class),
            Map.entry("Secret", Secret.class),
            Map.entry("ConfigMap", ConfigMap.class),
            Map.entry("ServiceAccount", ServiceAccount.class),
            Map.entry("PodDisruptionBudget", PodDisruptionBudget.class),
            Map.entry("HorizontalPodAutoscaler", HorizontalPodAutoscaler.class),
            Map.entry("Ingress", Ingress.class),
            Map.entry("NetworkPolicy", NetworkPolicy.class),
            Map.entry("Job", Job.class));

    final String raw;
    final List<HasMetadata> objects;

    RenderedChart(String raw) {
        this.raw = raw;
        this.objects = Yaml.documents(raw).stream().map(RenderedChart::toModel).toList();
    }

    private static HasMetadata toModel(Map<String, Object> doc) {
        String kind = String.valueOf(doc.get("kind"));
        Class<? extends HasMetadata> type = TYPES.getOrDefault(kind, GenericKubernetesResource.class);
        return Yaml.JSON.convertValue(doc, type);
    }

    <T extends HasMetadata> List<T> all(Class<T> type) {
        return objects.stream().filter(type::isInstance).map(type::cast).toList();
    }

    List<GenericKubernetesResource> all(String kind) {
        return objects.stream().filter(o -> kind.equals(o.getKind()))
                .map(GenericKubernetesResource.class::cast).toList();
    }

    <T extends HasMetadata> T one(Class<T> type, String name) {
        return find(type, name).orElseThrow(() -> new AssertionError(
                "no " + type.getSimpleName() + " named " + name + "; have " + names(type)));
    }

    <T extends HasMetadata> Optional<T> find(Class<T> type, String name) {
        return all(type).stream().filter(o -> name.equals(o.getMetadata().getName())).findFirst();
    }

    <T extends HasMetadata> List<String> names(Class<T> type) {
        return all(type).stream().map(o -> o.getMetadata().getName()).toList();
    }

    GenericKubernetesResource one(String kind) {
        List<GenericKubernetesResource> found = all(kind);
        assertThat(found).as("rendered %s objects", kind).hasSize(1);
        return found.get(0);
    }

    Deployment api() {
        return one(Deployment.class, "spectra-api");
    }

    Deployment workerPool(String pool) {
        return one(Deployment.class, "spectra-worker-" + pool);
    }

    List<Deployment> workerPools() {
        return all(Deployment.class).stream()
                .filter(d -> "worker".equals(d.getMetadata().getLabels().get("spectra.dev/role"))).toList();
    }

    /** Pod templates of every workload (Deployments, StatefulSets, Jobs). */
    Stream<Map.Entry<String, PodTemplateSpec>> podTemplates() {
        return Stream.of(
                all(Deployment.class).stream().map(d -> Map.entry(d.getMetadata().getName(), d.getSpec().getTemplate())),
                all(StatefulSet.class).stream().map(s -> Map.entry(s.getMetadata().getName(), s.getSpec().getTemplate())),
                all(Job.class).stream().map(j -> Map.entry(j.getMetadata().getName(), j.getSpec().getTemplate())))
                .flatMap(s -> s);
    }

    static Container container(Deployment d) {
        List<Container> containers = d.getSpec().getTemplate().getSpec().getContainers();
        assertThat(containers).as("containers of %s", d.getMetadata().getName()).hasSize(1);
        return containers.get(0);
    }

    /** Resolves a probe/Service port (number or name) against a container's declared ports. */
    static int resolvePort(Container c, IntOrString port) {
        if (port.getIntVal() != null) {
            return port.getIntVal();
        }
        return c.getPorts().stream().filter(p -> port.getStrVal().equals(p.getName()))
                .map(ContainerPort::getContainerPort).findFirst()
                .orElseThrow(() -> new AssertionError("container " + c.getName() + " has no port named " + port.getStrVal()));
    }

    /** The value of an env var with a literal value, or null when absent or taken from a source. */
    static String envValue(Container c, String name) {
        return c.getEnv().stream().filter(e -> name.equals(e.getName())).findFirst().map(e -> e.getValue()).orElse(null);
    }

    static boolean labelsMatch(Map<String, String> selector, Map<String, String> labels) {
        return selector != null && !selector.isEmpty() && labels != null
                && selector.entrySet().stream().allMatch(e -> e.getValue().equals(labels.get(e.getKey())));
    }
}
