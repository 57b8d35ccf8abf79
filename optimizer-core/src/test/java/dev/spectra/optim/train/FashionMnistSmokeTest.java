package dev.spectra.optim.train;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spectra.optim.Optimizer;
import dev.spectra.optim.Optimizers;
import dev.spectra.optim.data.Dataset;
import dev.spectra.optim.data.FashionMnist;
import dev.spectra.optim.model.ActivationFunction;
import dev.spectra.optim.model.MlpSpec;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The training smoke test: a small MLP on a class-balanced Fashion-MNIST subset (6000
 * train / 1000 test, the real files) passes 75% test accuracy after one epoch. An optimizer that
 * is not registered yet shows up as skipped, not silently absent.
 */
class FashionMnistSmokeTest {

    private static Dataset train;
    private static Dataset test;

    @BeforeAll
    static void load() {
        FashionMnist fm = new FashionMnist();
        train = fm.train().stratified(6000, 1);
        test = fm.test().stratified(1000, 1);
    }

    /**
     * Measured on this setup (seed 7): adamw lr 1e-3 reaches 0.782; kron-spectral 0.797 at lr 1e-2
     * (0.742 at its default 1e-3, which is too small a step for one short epoch).
     */
    static List<Arguments> optimizers() {
        return List.of(
                Arguments.of("adamw", Map.of("type", "adamw", "lr", 1e-3)),
                Arguments.of("kron-spectral", Map.of("type", "kron-spectral", "lr", 1e-2)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("optimizers")
    void smallMlpPasses75PercentInOneEpoch(String type, Map<String, Object> spec) {
        Assumptions.assumeTrue(Optimizers.types().contains(type), type + " is not registered in Optimizers yet");
        Optimizer optimizer = Optimizers.create(spec);
        TrainableModel model = new MlpSpec(0, List.of(128), ActivationFunction.RELU, 0.0, 0)
                .forData(train.featureWidth(), train.numClasses()).build(NetworkDtype.FLOAT32, 7);
        TrainingResult result = new Trainer(model, optimizer, TrainingConfig.defaults().withBatchSize(50).withSeed(7))
                .fit(train, test);
        assertThat(result.status()).isEqualTo(TrainingResult.Status.COMPLETED);
        assertThat(result.steps()).isEqualTo(120);
        assertThat(result.lastEpoch().testAccuracy()).as("%s test accuracy after one epoch", type).isGreaterThan(0.75);
    }
}
