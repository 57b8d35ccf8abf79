package dev.spectra.optim.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Reads a labelled CSV file - one class-label column plus numeric feature columns - into a
 * {@link Dataset}.
 *
 * <p>Strict by design: every row must have the same number of fields as the first; features must
 * be finite numbers; labels must be integer class indices within range. The first bad row stops
 * the read with a {@link DatasetException} naming the source, the line number and what is wrong.
 * Limits from {@link CsvOptions} (rows, columns, total values, line length, classes) are checked
 * while reading, so no input can make the reader allocate beyond them. Blank lines are skipped;
 * fields may be wrapped in double quotes but may not contain the delimiter.
 */
public final class CsvReader {

    private final CsvOptions options;

    public CsvReader(CsvOptions options) {
        this.options = options;
    }

    public CsvReader() {
        this(CsvOptions.defaults());
    }

    public Dataset read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new DatasetException(file, "CSV file not found");
        }
        try (InputStream in = Files.newInputStream(file)) {
            return read(in, file.toString());
        } catch (NoSuchFileException e) {
            throw new DatasetException(file, "CSV file not found", e);
        } catch (IOException e) {
            throw new DatasetException(file, "cannot be read: " + e.getMessage(), e);
        }
    }

    /** Reads UTF-8 CSV from {@code in}; {@code source} names it in errors and becomes the dataset name. */
    public Dataset read(InputStream in, String source) {
        var decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, decoder), 1 << 16)) {
            return new Parse(reader, source).run();
        } catch (CharacterCodingException e) {
            throw new DatasetException(source, "is not UTF-8 text", e);
        } catch (IOException e) {
            throw new DatasetException(source, "cannot be read: " + e.getMessage(), e);
        }
    }

    /** One read: the mutable state of walking a file line by line. */
    private final class Parse {
        private final Reader reader;
        private final String source;
        private final char delimiter = options.delimiterChar();
        private final StringBuilder line = new StringBuilder();
        private int lineNumber;
        private int columns;
        private int firstLine;
        private int labelColumn;
        private List<String> names;
        private float[] features = new float[1024];
        private int[] labels = new int[64];
        private int rows;
        private int maxLabel = -1;

        Parse(Reader reader, String source) {
            this.reader = reader;
            this.source = source;
        }

        Dataset run() throws IOException {
            String[] first = nextRecord();
            if (first == null) {
                throw new DatasetException(source, "is empty (no header and no data rows)");
            }
            firstLine = lineNumber;
            columns = first.length;
            if (columns > options.maxColumns()) {
                throw error("has " + columns + " columns, more than the limit of " + options.maxColumns());
            }
            if (columns < 2) {
                throw error("has " + columns + " column; need a label column and at least one feature column"
                        + " (is the delimiter '" + delimiter + "' right?)");
            }
            boolean header = switch (options.header()) {
                case PRESENT -> true;
                case ABSENT -> false;
                case AUTO -> Arrays.stream(first).anyMatch(f -> !isNumber(f));
            };
            names = header ? Arrays.asList(first) : null;
            labelColumn = resolveLabelColumn();
            if (!header) {
                addRow(first);
            }
            String[] fields;
            while ((fields = nextRecord()) != null) {
                addRow(fields);
            }
            if (rows == 0) {
                throw new DatasetException(source, "has a header but no data rows");
            }
            int numClasses = options.numClasses() > 0 ? options.numClasses() : maxLabel + 1;
            if (numClasses < 2) {
                throw new DatasetException(source, "has only one class (label " + maxLabel
                        + ") in column " + describeColumn(labelColumn) + "; classification needs at least 2");
            }
            int width = columns - 1;
            var x = Nd4j.create(Arrays.copyOf(features, rows * width), new long[] {rows, width}, DataType.FLOAT);
            return new Dataset(source, x, Dataset.oneHot(Arrays.copyOf(labels, rows), numClasses));
        }

        private int resolveLabelColumn() {
            String byName = options.labelColumnName();
            if (!byName.isEmpty()) {
                if (names == null) {
                    throw error("label column '" + byName + "' was requested by name but the file has no header");
                }
                int idx = names.indexOf(byName);
                if (idx < 0) {
                    throw error("has no column named '" + byName + "' (header: " + String.join(", ", names) + ")");
                }
                return idx;
            }
            int idx = options.labelColumn() < 0 ? columns + options.labelColumn() : options.labelColumn();
            if (idx < 0 || idx >= columns) {
                throw error("label column " + options.labelColumn() + " does not exist; the file has " + columns
                        + " columns");
            }
            return idx;
        }

        private void addRow(String[] fields) {
            if (fields.length != columns) {
                throw error("expected " + columns + " fields (as in line " + firstLine + ") but found "
                        + fields.length);
            }
            if (rows >= options.maxRows()) {
                throw error("has more than " + options.maxRows() + " data rows (the limit)");
            }
            int width = columns - 1;
            long needed = (long) (rows + 1) * width;
            if (needed > options.maxValues()) {
                throw error("has more than " + options.maxValues() + " feature values (the limit)");
            }
            ensureCapacity(needed);
            int at = rows * width;
            for (int c = 0; c < columns; c++) {
                String f = fields[c];
                if (c == labelColumn) {
                    labels[rows] = parseLabel(f);
                    continue;
                }
                features[at++] = parseFeature(f, c);
            }
            rows++;
        }

        private int parseLabel(String f) {
            double v;
            try {
                v = Double.parseDouble(f);
            } catch (NumberFormatException e) {
                throw error("label " + quote(f) + " in column " + describeColumn(labelColumn)
                        + " is not an integer class index");
            }
            if (v != Math.rint(v) || Double.isInfinite(v)) {
                throw error("label " + quote(f) + " in column " + describeColumn(labelColumn)
                        + " is not an integer class index");
            }
            int limit = options.numClasses() > 0 ? options.numClasses() : options.maxClasses();
            if (v < 0 || v >= limit) {
                throw error("label " + quote(f) + " is out of range: class indices must be in [0, " + limit + ")"
                        + (options.numClasses() > 0 ? " (numClasses = " + limit + ")" : " (maxClasses)"));
            }
            int label = (int) v;
            maxLabel = Math.max(maxLabel, label);
            return label;
        }

        private float parseFeature(String f, int column) {
            if (f.isEmpty()) {
                throw error("column " + describeColumn(column) + " is empty");
            }
            float v;
            try {
                v = Float.parseFloat(f);
            } catch (NumberFormatException e) {
                throw error("column " + describeColumn(column) + ": " + quote(f) + " is not a number");
            }
            if (!Float.isFinite(v)) {
                throw error("column " + describeColumn(column) + ": " + quote(f) + " is not a finite number"
                        + " (float32 range)");
            }
            return v;
        }

        private void ensureCapacity(long needed) {
            if (needed > features.length) {
                long grown = Math.min(Math.max(needed, (long) features.length * 2), options.maxValues());
                features = Arrays.copyOf(features, (int) Math.min(grown, Integer.MAX_VALUE - 8));
                if (features.length < needed) {
                    throw error("is too large to hold in one array");
                }
            }
            if (rows >= labels.length) {
                labels = Arrays.copyOf(labels, Math.min(labels.length * 2, options.maxRows()));
            }
        }

        private String describeColumn(int c) {
            return names == null ? Integer.toString(c) : c + " ('" + names.get(c) + "')";
        }

        /** The next non-blank line split into trimmed, unquoted fields; null at the end. */
        private String[] nextRecord() throws IOException {
            while (readLine()) {
                if (lineNumber == 1 && line.length() > 0 && line.charAt(0) == '\uFEFF') {
                    line.deleteCharAt(0); // UTF-8 byte-order mark
                }
                if (!line.toString().isBlank()) {
                    return split();
                }
            }
            return null;
        }

        private String[] split() {
            List<String> out = new ArrayList<>(columns > 0 ? columns : 16);
            int start = 0;
            int len = line.length();
            for (int i = 0; i <= len; i++) {
                if (i == len || line.charAt(i) == delimiter) {
                    if (out.size() >= options.maxColumns()) {
                        throw error("has more than " + options.maxColumns() + " columns (the limit)");
                    }
                    out.add(unquote(line.substring(start, i).trim()));
                    start = i + 1;
                }
            }
            return out.toArray(new String[0]);
        }

        /** Reads one line into {@link #line}, refusing lines over the limit; false at end of input. */
        private boolean readLine() throws IOException {
            line.setLength(0);
            int c = reader.read();
            if (c < 0) {
                return false;
            }
            lineNumber++;
            while (c >= 0 && c != '\n') {
                if (c != '\r') {
                    if (line.length() >= options.maxLineChars()) {
                        throw error("is longer than " + options.maxLineChars() + " characters (the limit)");
                    }
                    line.append((char) c);
                }
                c = reader.read();
            }
            return true;
        }

        private DatasetException error(String what) {
            return new DatasetException(source, "line " + lineNumber + ": " + what);
        }
    }

    private static String unquote(String f) {
        return f.length() >= 2 && f.charAt(0) == '"' && f.charAt(f.length() - 1) == '"'
                ? f.substring(1, f.length() - 1).trim() : f;
    }

    private static boolean isNumber(String f) {
        try {
            Double.parseDouble(f);
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static String quote(String f) {
        String shown = f.length() > 40 ? f.substring(0, 40) + "..." : f;
        return "'" + shown + "'";
    }
}
