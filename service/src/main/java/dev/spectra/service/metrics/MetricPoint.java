package dev.spectra.service.metrics;

/** One point of a metric's history. */
public record MetricPoint(long step, double value) {
}
