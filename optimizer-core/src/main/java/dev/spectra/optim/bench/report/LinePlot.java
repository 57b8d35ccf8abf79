package dev.spectra.optim.bench.report;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * A PNG line chart of a {@link SeriesTable}: one line per series, labelled axes, optional log
 * scales. Non-finite or (on a log axis) non-positive points are dropped, since a diverged method
 * must not take the whole plot down with it; the CSV keeps them.
 */
public final class LinePlot {

    private final String title;
    private boolean logX;
    private boolean logY;
    private boolean markers;

    public LinePlot(String title) {
        this.title = title;
    }

    public LinePlot logX() {
        this.logX = true;
        return this;
    }

    public LinePlot logY() {
        this.logY = true;
        return this;
    }

    /** Draw point markers (for short series such as per-size timings). */
    public LinePlot markers() {
        this.markers = true;
        return this;
    }

    public void write(SeriesTable table, String xLabel, String yLabel, Path file) {
        System.setProperty("java.awt.headless", "true");
        XYChart chart = new XYChartBuilder().width(900).height(560).title(title)
                .xAxisTitle(xLabel).yAxisTitle(yLabel).build();
        chart.getStyler().setXAxisLogarithmic(logX);
        chart.getStyler().setYAxisLogarithmic(logY);
        chart.getStyler().setMarkerSize(markers ? 6 : 0);
        chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.OutsideE);
        int drawn = 0;
        for (String name : table.seriesNames()) {
            List<SeriesTable.Row> rows = table.rows().stream()
                    .filter(r -> r.series().equals(name))
                    .filter(r -> Double.isFinite(r.x()) && Double.isFinite(r.y()))
                    .filter(r -> (!logX || r.x() > 0) && (!logY || r.y() > 0))
                    .toList();
            if (rows.isEmpty()) {
                continue;
            }
            double[] x = rows.stream().mapToDouble(SeriesTable.Row::x).toArray();
            double[] y = rows.stream().mapToDouble(SeriesTable.Row::y).toArray();
            var series = chart.addSeries(name, x, y);
            if (!markers) {
                series.setMarker(SeriesMarkers.NONE);
            }
            drawn++;
        }
        if (drawn == 0) {
            // XChart refuses an empty chart; an explicit placeholder keeps the file and says why.
            chart.addSeries("no finite data", new double[] {1}, new double[] {1});
        }
        try {
            BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
