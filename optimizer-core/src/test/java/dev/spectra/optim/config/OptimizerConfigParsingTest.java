package dev.spectra.optim.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.spectra.optim.OptimizerConfig;
import dev.spectra.optim.Optimizers;
import dev.spectra.optim.StateDtype;
import dev.spectra.optim.adamw.AdamWConfig;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OptimizerConfigParsingTest {

    @Test
    void bindsSpecOntoDefaultsWithAliases() {
        OptimizerConfig cfg = Optimizers.parse(Map.of("type", "adamw", "lr", 0.003, "stateDtype", "BF16", "weightDecay", "0.1"));
        assertThat(cfg).isEqualTo(AdamWConfig.defaults().withLr(0.003).withStateDtype(StateDtype.BFLOAT16).withWeightDecay(0.1));
        assertThat(cfg.toSpec()).containsEntry("type", "adamw").containsEntry("stateDtype", "bfloat16");
    }

    @Test
    void reportsEveryBadFieldWithItsValue() {
        assertThatThrownBy(() -> Optimizers.parse(Map.of("type", "adamw", "lr", -1, "beta2", 1.5, "bogus", 1, "eps", "x")))
                .isInstanceOfSatisfying(InvalidConfigException.class, e -> {
                    assertThat(e.violations()).extracting(ConfigViolation::field)
                            .containsExactlyInAnyOrder("lr", "beta2", "bogus", "eps");
                    assertThat(e.getMessage())
                            .contains("lr must be > 0 but was -1")
                            .contains("beta2 must be in [0, 1) but was 1.5")
                            .contains("bogus is not a field of adamw")
                            .contains("eps must be a number but was 'x'");
                });
    }

    @Test
    void rejectsUnknownTypeAndDtype() {
        assertThatThrownBy(() -> Optimizers.parse(Map.of("type", "sgd")))
                .hasMessageContaining("type must be one of adamw")
                .hasMessageContaining("but was 'sgd'");
        assertThatThrownBy(() -> Optimizers.parse(Map.of("type", "adamw", "stateDtype", "int8")))
                .hasMessageContaining("stateDtype must be one of float32, float64, bfloat16, float16 but was 'int8'");
        assertThatThrownBy(() -> new AdamWConfig(Double.NaN, 0.9, 0.9, 1e-8, 0, true, StateDtype.FLOAT32))
                .hasMessage("invalid adamw config: lr must be > 0 but was NaN");
    }

    @Test
    void integerFieldsRejectFractions() {
        record Sizes(int n, long m) {
        }
        ConfigBinder binder = new ConfigBinder();
        assertThat(binder.bind("sizes", new Sizes(1, 2), Map.of("n", 5.0, "m", 7))).isEqualTo(new Sizes(5, 7));
        assertThatThrownBy(() -> binder.bind("sizes", new Sizes(1, 2), Map.of("n", 2.5, "m", 1e30)))
                .hasMessageContaining("n must be an integer but was 2.5")
                .hasMessageContaining("m must be an integer but was 1.0E30");
    }
}
