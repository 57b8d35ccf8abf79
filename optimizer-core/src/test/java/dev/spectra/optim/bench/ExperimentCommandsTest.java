package dev.spectra.optim.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Small-size runs of the experiment subcommands: their JSON fields exist and hold sane numbers. */
class ExperimentCommandsTest {

    @TempDir
    Path out;

    @Test
    void fixedPointFull() {
        var json = BenchRun.of("fixed-point-full", "--out", out.toString(), "--n", "8", "--steps", "40",
                "--batch", "32", "--beta2", "0.05", "--record-every", "10").assertCompleteRun("fixed-point-full").json;
        for (String m : new String[] {"spectral", "default", "cholesky"}) {
            assertThat(json.at("/finalRelErr/" + m).asDouble()).as(m).isBetween(0.0, 1.0);
        }
        // Same stream, first-order-equivalent steps: the spectral iterates stay near the default ones
        // once past the degenerate start (S = I, the first 1/beta2 steps deviate more).
        assertThat(json.at("/maxRelErrToDefault/spectral").asDouble()).isLessThan(0.15);
        assertThat(json.at("/maxRelErrToDefaultAfterWarmup/spectral").asDouble()).isLessThan(0.05);
        assertThat(json.at("/maxRelErrToDefaultAfterWarmup/cholesky").asDouble()).isLessThan(0.05);
    }

    @Test
    void fixedPointKron() {
        var json = BenchRun.of("fixed-point-kron", "--out", out.toString(), "--rows", "3", "--cols", "4",
                "--steps", "80", "--beta2", "0.05", "--record-every", "40").assertCompleteRun("fixed-point-kron").json;
        for (String m : new String[] {"spectral", "kron-default", "kron-cholesky", "projection (full matrix)"}) {
            assertThat(json.at("/finalRelErr/" + m.replace("/", "~1")).asDouble()).as(m).isBetween(0.0, 1.0);
        }
    }

    @Test
    void spd() {
        var json = BenchRun.of("spd", "--out", out.toString(), "--n", "5", "--steps", "100", "--noise", "5",
                "--record-every", "10").assertCompleteRun("spd").json;
        for (String m : new String[] {"spectral", "cholesky", "projection"}) {
            assertThat(json.at("/finalLoss/gop/" + m).isNumber()).as("gop %s", m).isTrue();
            assertThat(json.at("/spdViolations/indefinite/" + m).asLong()).as("indefinite %s", m).isZero();
        }
        assertThat(json.at("/spdViolations/indefinite/default").asLong())
                .as("the plain moving average leaves the cone on the indefinite stream").isPositive();
    }

    @Test
    void gradientFree() {
        var json = BenchRun.of("gradient-free", "--out", out.toString(), "--functions", "rosenbrock,griewank",
                "--dims", "3", "--iterations", "40", "--methods", "spectral,cholesky").assertCompleteRun("gradient-free").json;
        for (String f : new String[] {"rosenbrock-3", "griewank-3"}) {
            assertThat(json.at("/evaluations/" + f).asLong()).isEqualTo(40L * 6);
            for (String m : new String[] {"spectral", "cholesky"}) {
                assertThat(json.at("/bestValue/" + f + "/" + m).asDouble()).as("%s %s", f, m).isGreaterThanOrEqualTo(0);
                assertThat(json.at("/inGlobalBasin/" + f + "/" + m).isBoolean()).isTrue();
            }
        }
    }

    @Test
    void train() {
        var json = BenchRun.of("train", "--out", out.toString(), "--models", "mlp", "--optimizers", "adamw,kron-spectral",
                "--state-dtypes", "float32,bfloat16", "--train-size", "1024", "--test-size", "200", "--epochs", "1",
                "--schedule", "constant",
                "--hp", "kron-spectral.lr=0.002").assertCompleteRun("train").json;
        for (String run : new String[] {"mlp~1adamw~1float32", "mlp~1kron-spectral~1float32", "mlp~1kron-spectral~1bfloat16"}) {
            assertThat(json.at("/testAccuracy/" + run).size()).as(run).isEqualTo(1);
            assertThat(json.at("/testAccuracy/" + run + "/0").asDouble()).as(run).isGreaterThan(0.3);
            assertThat(json.at("/secondsPerEpoch/" + run + "/0").asDouble()).isPositive();
            assertThat(json.at("/meanStepMs/" + run).asDouble()).isPositive();
            assertThat(json.at("/medianStepMs/" + run).asDouble()).isPositive();
        }
        assertThat(json.at("/stepRatioToAdamw/mlp~1adamw~1float32").asDouble()).isEqualTo(1.0);
        BenchRun bad = BenchRun.of("train", "--out", out.toString(), "--hp", "kron-spectral.lr=-1");
        assertThat(bad.exitCode).isEqualTo(2);
        assertThat(bad.stderr).contains("lr must be > 0 but was -1");
    }

    @Test
    void trainInterleavedGivesTheSameResultsAsSequential() {
        String[] common = {"train", "--models", "mlp", "--optimizers", "adamw,kron-spectral", "--state-dtypes", "float32",
                "--train-size", "512", "--test-size", "100", "--epochs", "1", "--schedule", "constant", "--interval", "3"};
        var sequential = BenchRun.of(concat(common, "--out", out.resolve("seq").toString())).assertCompleteRun("train").json;
        var interleaved = BenchRun.of(concat(common, "--out", out.resolve("il").toString(), "--interleave"))
                .assertCompleteRun("train").json;
        assertThat(interleaved.get("testAccuracy")).isEqualTo(sequential.get("testAccuracy"));
        assertThat(interleaved.at("/settings/interleave").asBoolean()).isTrue();
        java.util.List<String> keys = new java.util.ArrayList<>();
        interleaved.get("meanStepMs").fieldNames().forEachRemaining(keys::add);
        assertThat(keys).containsExactly("mlp/adamw/float32", "mlp/kron-spectral/float32");
    }

    @Test
    void trainOnAHoldOutEvaluatesOnValidationExamplesAndChecksItsSize() {
        String[] common = {"train", "--models", "mlp", "--optimizers", "adamw", "--state-dtypes", "float32",
                "--train-size", "1200", "--epochs", "1", "--schedule", "cosine", "--warmup", "3"};
        var json = BenchRun.of(concat(common, "--out", out.resolve("val").toString(), "--validation", "200"))
                .assertCompleteRun("train").json;
        assertThat(json.at("/settings/evaluatedOn").asText()).startsWith("validation (200");
        assertThat(json.at("/settings/warmupSteps").asLong()).isEqualTo(3);
        assertThat(json.at("/settings/testSize").isMissingNode()).as("the test set is not used").isTrue();
        double validationAccuracy = json.at("/testAccuracy/mlp~1adamw~1float32/0").asDouble();
        var onTest = BenchRun.of(concat(common, "--out", out.resolve("test").toString(), "--test-size", "200"))
                .assertCompleteRun("train").json;
        // trained on 1000 instead of 1200 examples and scored on other images: a different number
        assertThat(validationAccuracy).isGreaterThan(0.3).isNotEqualTo(onTest.at("/testAccuracy/mlp~1adamw~1float32/0").asDouble());
        BenchRun bad = BenchRun.of(concat(common, "--out", out.resolve("bad").toString(), "--validation", "1200"));
        assertThat(bad.exitCode).isEqualTo(2);
        assertThat(bad.stderr).contains("--validation must be in [1, --train-size) = [1, 1200) but was 1200");
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
