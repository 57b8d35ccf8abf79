package dev.spectra.optim.bench.report;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Long-format results ({@code series, x, y} plus optional extra columns) written as CSV: one row
 * per point, so any plotting tool can pivot it, and the same rows feed {@link LinePlot}.
 */
public final class SeriesTable {

    private final String xName;
    private final String yName;
    private final List<String> extraColumns;
    private final List<Row> rows = new ArrayList<>();

    public record Row(String series, double x, double y, List<Object> extras) {
    }

    public SeriesTable(String xName, String yName, String... extraColumns) {
        this.xName = xName;
        this.yName = yName;
        this.extraColumns = List.of(extraColumns);
    }

    public SeriesTable add(String series, double x, double y, Object... extras) {
        if (extras.length != extraColumns.size()) {
            throw new IllegalArgumentException("expected " + extraColumns.size() + " extra values, got " + extras.length);
        }
        rows.add(new Row(series, x, y, List.of(extras)));
        return this;
    }

    public List<Row> rows() {
        return rows;
    }

    public String xName() {
        return xName;
    }

    public String yName() {
        return yName;
    }

    /** Series names in first-seen order. */
    public List<String> seriesNames() {
        List<String> names = new ArrayList<>();
        for (Row r : rows) {
            if (!names.contains(r.series())) {
                names.add(r.series());
            }
        }
        return names;
    }

    public void writeCsv(Path file) {
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            w.write("series," + xName + "," + yName);
            for (String c : extraColumns) {
                w.write("," + c);
            }
            w.write("\n");
            for (Row r : rows) {
                w.write(csv(r.series()) + "," + num(r.x()) + "," + num(r.y()));
                for (Object e : r.extras()) {
                    w.write("," + (e instanceof Number n ? num(n.doubleValue()) : csv(String.valueOf(e))));
                }
                w.write("\n");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    private static String num(double d) {
        if (!Double.isFinite(d)) {
            return "";
        }
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : String.format(Locale.ROOT, "%.8g", d);
    }

    private static String csv(String s) {
        return s.contains(",") || s.contains("\"") ? '"' + s.replace("\"", "\"\"") + '"' : s;
    }
}
