package dev.spectra.deploy.docker;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import static org.assertj.core.api.Assertions.assertThat;

import dev.spectra.deploy.support.RepoPaths;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Static checks of docker/Dockerfile and docker/Dockerfile.cuda (no Docker engine here): every
 * COPY source exists in the build context (the repository root) and survives the
 * .dockerignore, the runtime is non-root with a health check on the probe path, and native
 * thread counts come from the environment.
 */
class DockerfileTest {

    private static final Pattern INSTRUCTION = Pattern.compile("^(\\w+)\\s+(.*)$");

    /** Joins continuation lines and drops comments. */
    static List<String> instructions(Path dockerfile) throws IOException {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        for (String line : Files.readAllLines(dockerfile)) {
            String t = line.strip();
            if (t.startsWith("#") || (t.isEmpty() && cur.isEmpty())) {
                continue;
            }
            if (t.endsWith("\\")) {
                cur.append(t, 0, t.length() - 1).append(' ');
            } else {
                cur.append(t);
                out.add(cur.toString().strip());
                cur.setLength(0);
            }
        }
        return out;
    }

    /** Sources of the COPY instructions that read the build context (not --from=stage). */
    static List<String> contextCopySources(Path dockerfile) throws IOException {
        List<String> sources = new ArrayList<>();
        for (String ins : instructions(dockerfile)) {
            Matcher m = INSTRUCTION.matcher(ins);
            if (!m.matches() || !m.group(1).equalsIgnoreCase("COPY") || m.group(2).contains("--from=")) {
                continue;
            }
            List<String> args = new ArrayList<>(List.of(m.group(2).split("\\s+")));
            args.removeIf(a -> a.startsWith("--"));
            sources.addAll(args.subList(0, args.size() - 1));
        }
        return sources;
    }

    @ParameterizedTest
    @ValueSource(strings = {"Dockerfile", "Dockerfile.cuda"})
    void everyCopiedPathExistsInTheBuildContext(String name) throws IOException {
        List<String> sources = contextCopySources(RepoPaths.docker().resolve(name));
        assertThat(sources).contains("mvnw", ".mvn/", "pom.xml", "optimizer-core/src", "service/src", "docker/entrypoint.sh");
        for (String src : sources) {
            assertThat(RepoPaths.root().resolve(src)).as("COPY source %s in %s", src, name).exists();
        }
        // Every module of the root POM has its POM copied, or the dependency layer cannot load the reactor.
        String rootPom = Files.readString(RepoPaths.root().resolve("pom.xml"));
        Matcher modules = Pattern.compile("<module>([^<]+)</module>").matcher(rootPom);
        while (modules.find()) {
            assertThat(sources).as("%s copies the POM of module %s", name, modules.group(1)).contains(modules.group(1) + "/pom.xml");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"Dockerfile", "Dockerfile.cuda"})
    void dockerignoreKeepsEveryCopiedPath(String name) throws IOException {
        // The ignore file is an allow-list: "**" then "!path" lines. Each COPY source must be allowed.
        List<String> allowed = Files.readAllLines(RepoPaths.docker().resolve(name + ".dockerignore")).stream()
                .map(String::strip).filter(l -> l.startsWith("!")).map(l -> l.substring(1)).toList();
        assertThat(Files.readAllLines(RepoPaths.docker().resolve(name + ".dockerignore"))).contains("**");
        for (String src : contextCopySources(RepoPaths.docker().resolve(name))) {
            String path = src.endsWith("/") ? src.substring(0, src.length() - 1) : src;
            assertThat(allowed).as("%s.dockerignore lets %s through", name, src)
                    .anyMatch(a -> path.equals(a.replaceAll("/$", "")) || path.startsWith(a.endsWith("/") ? a : a + "/"));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"Dockerfile", "Dockerfile.cuda"})
    void runtimeIsNonRootWithAHealthCheckOnTheReadinessProbe(String name) throws IOException {
        List<String> ins = instructions(RepoPaths.docker().resolve(name));
        int lastFrom = 0;
        for (int i = 0; i < ins.size(); i++) {
            if (ins.get(i).startsWith("FROM ")) {
                lastFrom = i;
            }
        }
        List<String> runtime = ins.subList(lastFrom, ins.size());
        assertThat(runtime).anySatisfy(i -> assertThat(i).matches("USER 10001(:10001)?"));
        assertThat(runtime).anySatisfy(i -> assertThat(i).startsWith("HEALTHCHECK ").contains("/actuator/health/readiness")
                .contains("MANAGEMENT_SERVER_PORT"));
        assertThat(runtime).anySatisfy(i -> assertThat(i).isEqualTo("ENTRYPOINT [\"/usr/local/bin/spectra-entrypoint\"]"));
        assertThat(runtime).anySatisfy(i -> assertThat(i).startsWith("ENV ").contains("SPECTRA_WORKER_OMP_THREADS="));
        assertThat(runtime).anySatisfy(i -> assertThat(i).startsWith("EXPOSE 8080"));
        // Jobs with dataset "fashion-mnist" read the IDX files where optimizer-core looks by default.
        String fashion = Files.readString(RepoPaths.root().resolve("optimizer-core/src/main/java/dev/spectra/optim/data/FashionMnist.java"));
        Matcher dir = Pattern.compile("DEFAULT_DIR = \"([^\"]+)\"").matcher(fashion);
        assertThat(dir.find()).isTrue();
        assertThat(runtime).contains("COPY --from=datasets " + dir.group(1) + " " + dir.group(1));
        assertThat(Files.isExecutable(RepoPaths.docker().resolve("entrypoint.sh"))).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"Dockerfile", "Dockerfile.cuda"})
    void buildUsesTheWrapperWithADependencyLayerBeforeTheSources(String name) throws IOException {
        List<String> ins = instructions(RepoPaths.docker().resolve(name));
        int goOffline = indexOf(ins, "RUN ./mvnw", "go-offline");
        int copySources = indexOf(ins, "COPY service/src", "");
        int packageJar = indexOf(ins, "RUN ./mvnw", " package ");
        assertThat(goOffline).isNotNegative().isLessThan(copySources);
        assertThat(packageJar).isGreaterThan(copySources);
        assertThat(ins.get(packageJar)).contains("spectra-service.jar");
        if (name.endsWith(".cuda")) {
            assertThat(ins.get(goOffline)).contains("-Pcuda");
            assertThat(ins.get(packageJar)).contains("-Pcuda");
            // nd4j-cuda 1.0.0-M2.1 is built for CUDA 11.6 / cuDNN 8.
            assertThat(ins).anySatisfy(i -> assertThat(i).startsWith("ARG CUDA_IMAGE=nvidia/cuda:11.6"));
        } else {
            assertThat(ins).anySatisfy(i -> assertThat(i).startsWith("ARG JRE_IMAGE=eclipse-temurin:17-jre"));
        }
    }

    @Test
    void cudaImageBaseMatchesTheCudaVersionOfTheServicesNd4jCudaBackend() throws IOException {
        String servicePom = Files.readString(RepoPaths.root().resolve("service/pom.xml"));
        Matcher profile = Pattern.compile("<profile>\\s*<id>cuda</id>(.*?)</profile>", Pattern.DOTALL).matcher(servicePom);
        Assumptions.assumeTrue(profile.find(),
                "service/pom.xml has no `cuda` profile yet: docker/Dockerfile.cuda builds with -Pcuda and needs it");
        Matcher backend = Pattern.compile("nd4j-cuda-(\\d+\\.\\d+)").matcher(profile.group(1) + servicePom);
        assertThat(backend.find()).as("nd4j-cuda-<version> in the cuda profile").isTrue();
        String cuda = backend.group(1);
        assertThat(instructions(RepoPaths.docker().resolve("Dockerfile.cuda")))
                .anySatisfy(i -> assertThat(i).startsWith("ARG CUDA_IMAGE=nvidia/cuda:" + cuda + "."));
    }

    private static int indexOf(List<String> ins, String prefix, String contains) {
        for (int i = 0; i < ins.size(); i++) {
            if (ins.get(i).startsWith(prefix) && ins.get(i).contains(contains)) {
                return i;
            }
        }
        return -1;
    }
}
