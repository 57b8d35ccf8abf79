package dev.spectra.optim.data;

import dev.spectra.optim.config.Checks;

/**
 * How to read a labelled CSV file, and the limits that keep a bad or hostile file from making the
 * reader allocate without bound.
 *
 * @param labelColumn     0-based index of the class-label column; negative counts from the end
 *                        ({@code -1} = last column). Ignored when {@code labelColumnName} is set
 * @param labelColumnName header name of the label column, or empty to use {@code labelColumn}
 * @param header          whether the first line is a header (AUTO: it is if any field is not a number)
 * @param delimiter       the field separator, one character
 * @param numClasses      number of classes, or 0 to infer (largest label + 1)
 * @param maxRows         data rows allowed
 * @param maxColumns      columns allowed (label included)
 * @param maxValues       feature values allowed in total (rows x features)
 * @param maxClasses      largest class count accepted when inferring (bounds the one-hot matrix)
 * @param maxLineChars    characters allowed in one line
 */
public record CsvOptions(int labelColumn, String labelColumnName, Header header, String delimiter, int numClasses,
                         int maxRows, int maxColumns, long maxValues, int maxClasses, int maxLineChars) {

    public enum Header { AUTO, PRESENT, ABSENT }

    public CsvOptions {
        Checks.of("csv")
                .notNull("labelColumnName", labelColumnName)
                .notNull("header", header)
                .check(delimiter != null && delimiter.length() == 1 && delimiter.charAt(0) != '"'
                        && delimiter.charAt(0) != '\n' && delimiter.charAt(0) != '\r',
                        "delimiter", delimiter, "must be a single character other than a quote or line break")
                .nonNegative("numClasses", numClasses)
                .positive("maxRows", maxRows)
                .check(maxColumns >= 2, "maxColumns", maxColumns, "must be >= 2 (a label and a feature)")
                .positive("maxValues", maxValues)
                .check(maxClasses >= 2, "maxClasses", maxClasses, "must be >= 2")
                .atMost("numClasses", numClasses, maxClasses)
                .positive("maxLineChars", maxLineChars)
                .throwIfAny();
    }

    /** Label in column 0, header detected, comma-separated, classes inferred, generous limits. */
    public static CsvOptions defaults() {
        return new CsvOptions(0, "", Header.AUTO, ",", 0, 1_000_000, 4096, 50_000_000L, 1000, 1 << 20);
    }

    public CsvOptions withLabelColumn(int column) {
        return new CsvOptions(column, "", header, delimiter, numClasses, maxRows, maxColumns, maxValues, maxClasses,
                maxLineChars);
    }

    public CsvOptions withLabelColumnName(String name) {
        return new CsvOptions(labelColumn, name, header, delimiter, numClasses, maxRows, maxColumns, maxValues,
                maxClasses, maxLineChars);
    }

    public CsvOptions withHeader(Header h) {
        return new CsvOptions(labelColumn, labelColumnName, h, delimiter, numClasses, maxRows, maxColumns, maxValues,
                maxClasses, maxLineChars);
    }

    public CsvOptions withNumClasses(int n) {
        return new CsvOptions(labelColumn, labelColumnName, header, delimiter, n, maxRows, maxColumns, maxValues,
                maxClasses, maxLineChars);
    }

    public CsvOptions withLimits(int rows, int columns, long values, int lineChars) {
        return new CsvOptions(labelColumn, labelColumnName, header, delimiter, numClasses, rows, columns, values,
                maxClasses, lineChars);
    }

    char delimiterChar() {
        return delimiter.charAt(0);
    }
}
