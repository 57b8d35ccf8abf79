package dev.spectra.optim.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SyntheticDatasetsTest {

    @Test
    void everyNamedProblemIsDeterministicInItsSeed() {
        for (String name : SyntheticDatasets.NAMES) {
            DatasetSplit a = SyntheticDatasets.split(name, 300, 100, 5);
            DatasetSplit b = SyntheticDatasets.split(name, 300, 100, 5);
            DatasetSplit c = SyntheticDatasets.split(name, 300, 100, 6);
            assertThat(a.train().features()).as(name).isEqualTo(b.train().features());
            assertThat(a.test().labels()).as(name).isEqualTo(b.test().labels());
            assertThat(a.train().features()).as(name).isNotEqualTo(c.train().features());
            assertThat(a.train().features()).as("train and test differ").isNotEqualTo(a.test().features().get(
                    org.nd4j.linalg.indexing.NDArrayIndex.all(), org.nd4j.linalg.indexing.NDArrayIndex.all()));
            assertThat(a.train().size()).isEqualTo(300);
            assertThat(a.test().size()).isEqualTo(100);
            assertThat(a.train().features().isNaN().any()).isFalse();
        }
    }

    @Test
    void shapesAndBalanceAreAsDocumented() {
        Dataset blobs = SyntheticDatasets.split(SyntheticDatasets.BLOBS, 400, 40, 1).train();
        assertThat(blobs.featureWidth()).isEqualTo(8);
        assertThat(blobs.classCounts()).containsExactly(100, 100, 100, 100);
        Dataset xor = SyntheticDatasets.xor(1000, 0.0, 3);
        assertThat(xor.featureWidth()).isEqualTo(2);
        int[] y = xor.labelIndices();
        float[][] x = xor.features().toFloatMatrix();
        for (int i = 0; i < y.length; i++) {
            assertThat(y[i]).isEqualTo(x[i][0] * x[i][1] >= 0 ? 0 : 1); // noise-free: the label is the quadrant rule
        }
        Dataset spirals = SyntheticDatasets.spirals(300, 3, 0.0, 3);
        assertThat(spirals.classCounts()).containsExactly(100, 100, 100);
        assertThat(spirals.features().norm2(1).maxNumber().doubleValue()).isLessThanOrEqualTo(1.0 + 1e-6);
    }

    @Test
    void unknownNamesAndSizesAreRejected() {
        assertThatThrownBy(() -> SyntheticDatasets.split("synthetic-moons", 10, 10, 1))
                .hasMessageContaining("unknown synthetic dataset 'synthetic-moons'")
                .hasMessageContaining("synthetic-blobs, synthetic-xor, synthetic-spirals");
        assertThatThrownBy(() -> SyntheticDatasets.split(SyntheticDatasets.XOR, 0, 10, 1))
                .hasMessageContaining("trainSize must be in [1, 1000000] but was 0");
        assertThatThrownBy(() -> SyntheticDatasets.split(SyntheticDatasets.XOR, 10, 2_000_000, 1))
                .hasMessageContaining("testSize must be in [1, 1000000]");
    }
}
