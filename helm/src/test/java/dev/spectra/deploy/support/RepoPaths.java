package dev.spectra.deploy.support;

import java.nio.file.Files;
import java.nio.file.Path;

/** Locations of the deployment files, resolved from the repository root the build passes in. */
public final class RepoPaths {

    private RepoPaths() {
    }

    public static Path root() {
        String configured = System.getProperty("spectra.repo.root");
        Path start = configured != null ? Path.of(configured) : Path.of("").toAbsolutePath();
        // Running from an IDE without the Maven property: walk up to the directory holding helm/ and docker/.
        for (Path p = start.toAbsolutePath().normalize(); p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("helm/spectra")) && Files.isDirectory(p.resolve("docker"))) {
                return p;
            }
        }
        throw new IllegalStateException("cannot find the repository root (with helm/spectra and docker/) from " + start);
    }

    public static Path chart() {
        return root().resolve("helm/spectra");
    }

    public static Path docker() {
        return root().resolve("docker");
    }

    public static Path dashboards() {
        return docker().resolve("grafana/dashboards");
    }

    public static Path migrations() {
        return root().resolve("service/src/main/resources/db/migration");
    }
}
