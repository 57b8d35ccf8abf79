package dev.spectra.service.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class MetricDownsamplerTest {

    @Test
    void keepsFirstLastAndExtremesWithinTheBudget() {
        MetricDownsampler ds = new MetricDownsampler(1, 100_000, 400);
        for (long s = 1; s <= 100_000; s++) {
            double v = Math.sin(s / 1000.0);
            if (s == 77_777) {
                v = 50;   // a spike random sampling would likely miss
            }
            if (s == 12_345) {
                v = -50;
            }
            ds.add(s, v);
        }
        List<MetricPoint> out = ds.result();
        // 100 buckets of 1000 steps, each keeping 1 to 4 points
        assertThat(out.size()).isLessThanOrEqualTo(400).isGreaterThanOrEqualTo(100);
        assertThat(out.get(0)).isEqualTo(new MetricPoint(1, Math.sin(0.001)));
        assertThat(out.get(out.size() - 1).step()).isEqualTo(100_000);
        assertThat(out).contains(new MetricPoint(77_777, 50), new MetricPoint(12_345, -50));
        for (int i = 1; i < out.size(); i++) {
            assertThat(out.get(i).step()).isGreaterThan(out.get(i - 1).step());
        }
    }

    @Test
    void fewerPointsThanBudgetAreReturnedUnchanged() {
        MetricDownsampler ds = new MetricDownsampler(10, 20, 100);
        for (long s = 10; s <= 20; s++) {
            ds.add(s, s * 2.0);
        }
        assertThat(ds.result()).hasSize(11).first().isEqualTo(new MetricPoint(10, 20.0));
    }

    @Test
    void nanIsNeverAnExtremeButStaysAsFirstOrLast() {
        MetricDownsampler ds = new MetricDownsampler(1, 4, 4);
        ds.add(1, Double.NaN);
        ds.add(2, 3);
        ds.add(3, -1);
        ds.add(4, Double.NaN);
        List<MetricPoint> out = ds.result();
        assertThat(out).extracting(MetricPoint::step).containsExactly(1L, 2L, 3L, 4L);
    }
}
