package dev.spectra.deploy.docker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spectra.deploy.support.RepoPaths;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs docker/entrypoint.sh with a stand-in {@code java} on the PATH that prints what it was
 * started with: the thread variables must be exported before the JVM starts.
 */
class EntrypointTest {

    @TempDir
    Path bin;

    record Run(int exit, String out) {
    }

    private Run run(Map<String, String> env, String... args) throws IOException, InterruptedException {
        Path fakeJava = bin.resolve("java");
        Files.writeString(fakeJava, "#!/bin/sh\necho \"OMP=$OMP_NUM_THREADS OPENBLAS=$OPENBLAS_NUM_THREADS WORKER=$SPECTRA_WORKER_OMP_THREADS ARGS=$*\"\n");
        Files.setPosixFilePermissions(fakeJava, PosixFilePermissions.fromString("rwxr-xr-x"));
        String[] cmd = new String[args.length + 2];
        cmd[0] = "sh";
        cmd[1] = RepoPaths.docker().resolve("entrypoint.sh").toString();
        System.arraycopy(args, 0, cmd, 2, args.length);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().clear();
        pb.environment().put("PATH", bin + ":/usr/bin:/bin");
        pb.environment().putAll(env);
        Process p = pb.start();
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        return new Run(p.exitValue(), new String(p.getInputStream().readAllBytes()).strip());
    }

    @Test
    void workerThreadSettingBecomesOmpAndBlasThreadsBeforeTheJvmStarts() throws Exception {
        Run r = run(Map.of("SPECTRA_WORKER_OMP_THREADS", "3", "JAVA_OPTS", "-Xmx1g"), "--spectra.worker.slots=2");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).isEqualTo("OMP=3 OPENBLAS=3 WORKER=3 ARGS=-Xmx1g -Dorg.bytedeco.javacpp.cachedir=/tmp/javacpp-cache org.springframework.boot.loader.launch.JarLauncher --spectra.worker.slots=2");
    }

    @Test
    void anExplicitOmpNumThreadsWinsAndDefaultsAreOneThread() throws Exception {
        assertThat(run(Map.of("OMP_NUM_THREADS", "4", "SPECTRA_WORKER_OMP_THREADS", "2")).out()).startsWith("OMP=4 OPENBLAS=4 WORKER=4 ");
        assertThat(run(Map.of()).out()).startsWith("OMP=1 OPENBLAS=1 WORKER=1 ");
    }

    @Test
    void aBadThreadCountStopsWithAClearMessage() throws Exception {
        Run r = run(Map.of("SPECTRA_WORKER_OMP_THREADS", "lots"));
        assertThat(r.exit()).isEqualTo(64);
        assertThat(r.out()).contains("must be a positive integer").contains("'lots'");
    }
}
