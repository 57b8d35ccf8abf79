package dev.spectra.optim.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.spectra.optim.chain.ScheduleConfig;
import dev.spectra.optim.config.ConfigViolation;
import dev.spectra.optim.config.InvalidConfigException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TrainingConfigTest {

    @Test
    void bindsAJobSpecTrainingObjectIncludingTheNestedSchedule() {
        TrainingConfig c = TrainingConfig.parse(Map.of("epochs", 3, "batchSize", 64, "seed", 9, "checkpointEverySteps", 100,
                "networkDtype", "fp16", "schedule", Map.of("type", "cosine", "warmupSteps", 10, "minLrRatio", 0.1)));
        assertThat(c).isEqualTo(new TrainingConfig(3, 64, 9, 1, 100,
                new ScheduleConfig(ScheduleConfig.Type.COSINE, 10, 0.1), NetworkDtype.FLOAT16));
        assertThat(TrainingConfig.parse(c.toSpec())).isEqualTo(c);
        assertThat(c.toSpec()).containsEntry("networkDtype", "float16");
        assertThat(TrainingConfig.parse(Map.of())).isEqualTo(TrainingConfig.defaults());
        assertThat(c.totalSteps(1000)).isEqualTo(3 * 16);
    }

    @Test
    void reportsEveryBadFieldIncludingNestedOnes() {
        assertThatThrownBy(() -> TrainingConfig.parse(Map.of("epochs", 0, "batchSize", "many", "networkDtype", "bfloat16",
                "speed", 1, "schedule", Map.of("type", "step", "minLrRatio", 2))))
                .isInstanceOfSatisfying(InvalidConfigException.class, e -> assertThat(e.violations())
                        .extracting(ConfigViolation::field)
                        .contains("epochs", "batchSize", "networkDtype", "speed", "schedule.type", "schedule.minLrRatio"))
                .hasMessageContaining("networkDtype must be one of float32, float64, float16 but was 'bfloat16'");
        assertThatThrownBy(() -> TrainingConfig.parse(Map.of("schedule", "cosine")))
                .hasMessageContaining("schedule must be an object");
    }
}
