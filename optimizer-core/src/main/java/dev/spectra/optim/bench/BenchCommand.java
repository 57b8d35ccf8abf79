package dev.spectra.optim.bench;

import dev.spectra.optim.bench.report.Json;
import dev.spectra.optim.bench.report.MachineInfo;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * What every subcommand shares: {@code --out}, {@code --seed}, {@code --full}, {@code --threads},
 * the output directory, and the closing JSON line ({@code benchmark}, the subcommand's headline
 * fields, the files written, the settings and the machine).
 */
abstract class BenchCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--out", description = "directory for the CSV and PNG files (default: ${DEFAULT-VALUE})",
            defaultValue = "bench-out")
    Path out;

    @Option(names = "--seed", description = "random seed (default: ${DEFAULT-VALUE})", defaultValue = "42")
    long seed;

    @Option(names = "--full", description = "run the paper-sized version (slow on small machines)")
    boolean full;

    @Option(names = "--threads", description = "OpenMP/BLAS threads for ND4J (default: leave as configured; "
            + "set OMP_NUM_THREADS too, some pools read it only at start-up)")
    Integer threads;

    /** Headline fields, in the order they are put. */
    protected final Map<String, Object> summary = new LinkedHashMap<>();
    private final Map<String, Object> files = new LinkedHashMap<>();

    /** Runs the experiment, filling {@link #summary} and writing files under {@link #out}. */
    protected abstract void run() throws Exception;

    /** The settings that shaped this run (sizes, steps, hyperparameters), echoed in the JSON. */
    protected abstract Map<String, Object> settings();

    protected Path file(String name) {
        Path p = out.resolve(name);
        files.put(name, p.toString());
        return p;
    }

    protected PrintWriter stdout() {
        return spec.commandLine().getOut();
    }

    protected void progress(String message) {
        spec.commandLine().getErr().println(message);
        spec.commandLine().getErr().flush();
    }

    @Override
    public Integer call() throws Exception {
        if (threads != null) {
            if (threads < 1) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                        "--threads must be >= 1 but was " + threads);
            }
            MachineInfo.setThreads(threads);
        }
        try {
            Files.createDirectories(out);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create output directory " + out, e);
        }
        long t0 = System.nanoTime();
        run();
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("benchmark", spec.name());
        json.putAll(summary);
        json.put("files", files);
        json.put("settings", settings());
        json.put("seed", seed);
        json.put("full", full);
        json.put("wallSeconds", (System.nanoTime() - t0) / 1e9);
        json.put("machine", MachineInfo.describe());
        stdout().println(Json.write(json));
        stdout().flush();
        return 0;
    }
}
