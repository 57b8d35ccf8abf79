package dev.spectra.service.datasets;

import dev.spectra.optim.data.CsvOptions;
import dev.spectra.optim.data.CsvReader;
import dev.spectra.optim.data.Dataset;
import dev.spectra.service.config.LimitsProperties;

/**
 * How an uploaded CSV is read: the client's choice of label column and header, plus the
 * service's size limits. The API validates an upload by reading it completely with these options
 * (optimizer-core's strict {@link CsvReader}); a worker later reads the stored bytes with the
 * same options, so it gets exactly the examples that were validated.
 *
 * @param labelColumn     0-based index, negative from the end (-1 = last); ignored when a name is given
 * @param labelColumnName header name of the label column, or empty
 * @param header          AUTO, PRESENT or ABSENT
 */
public record CsvUpload(int labelColumn, String labelColumnName, CsvOptions.Header header) {

    /** Parses the {@code labelColumn} request parameter: last, first, an index or a header name. */
    public static CsvUpload of(String labelColumn, Boolean header) {
        CsvOptions.Header h = header == null ? CsvOptions.Header.AUTO : header ? CsvOptions.Header.PRESENT : CsvOptions.Header.ABSENT;
        String s = labelColumn == null || labelColumn.isBlank() ? "last" : labelColumn.trim();
        if (s.equals("last")) {
            return new CsvUpload(-1, "", h);
        }
        if (s.equals("first")) {
            return new CsvUpload(0, "", h);
        }
        try {
            return new CsvUpload(Integer.parseInt(s), "", h);
        } catch (NumberFormatException e) {
            return new CsvUpload(-1, s, h.equals(CsvOptions.Header.AUTO) ? CsvOptions.Header.PRESENT : h);
        }
    }

    public CsvReader reader(LimitsProperties limits) {
        long maxValues = limits.maxDatasetValues();
        return new CsvReader(new CsvOptions(labelColumn, labelColumnName, header, ",", 0, limits.maxDatasetRows(),
                limits.maxDatasetFeatures() + 1, maxValues, limits.maxDatasetClasses(), 1 << 20));
    }

    public Dataset read(byte[] csv, String source, LimitsProperties limits) {
        return reader(limits).read(new java.io.ByteArrayInputStream(csv), source);
    }
}
