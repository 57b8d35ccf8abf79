package dev.spectra.service.datasets;

import dev.spectra.optim.data.CsvOptions;
import dev.spectra.service.artifacts.BlobStore;
import dev.spectra.service.jobs.spec.DatasetCatalog;
import dev.spectra.service.jobs.spec.DatasetShape;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

/** Uploaded datasets: metadata rows plus the CSV as a blob. */
@Repository
public class DatasetRepository implements DatasetCatalog {

    private static final String COLUMNS = """
            d.id, d.name, d.format, d.rows, d.features, d.classes, b.size_bytes, b.sha256, d.created_at""";

    private final JdbcClient jdbc;
    private final BlobStore blobs;

    public DatasetRepository(JdbcClient jdbc, BlobStore blobs) {
        this.jdbc = jdbc;
        this.blobs = blobs;
    }

    /** A stored dataset's content and how to read it. */
    public record Content(byte[] csv, CsvUpload options) {
    }

    @Transactional
    public DatasetInfo store(String tenant, UUID id, String name, byte[] csv, CsvUpload options, int rows, int features,
                             int classes) {
        BlobStore.Blob blob = blobs.write(csv);
        jdbc.sql("""
                INSERT INTO datasets (id, tenant, name, format, rows, features, classes, label_column, label_column_name,
                                      header, blob_id)
                VALUES (:id, :tenant, :name, 'csv', :rows, :features, :classes, :labelColumn, :labelName, :header, :blob)""")
                .param("id", id).param("tenant", tenant).param("name", name).param("rows", rows)
                .param("features", features).param("classes", classes).param("labelColumn", options.labelColumn())
                .param("labelName", options.labelColumnName()).param("header", options.header().name())
                .param("blob", blob.id()).update();
        return find(tenant, id).orElseThrow();
    }

    public Optional<DatasetInfo> find(String tenant, UUID id) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM datasets d JOIN blobs b ON b.id = d.blob_id WHERE d.id = :id AND d.tenant = :tenant")
                .param("id", id).param("tenant", tenant).query(DatasetRepository::info).optional();
    }

    public List<DatasetInfo> list(String tenant, int limit) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM datasets d JOIN blobs b ON b.id = d.blob_id WHERE d.tenant = :tenant "
                        + "ORDER BY d.id DESC LIMIT :limit")
                .param("tenant", tenant).param("limit", limit).query(DatasetRepository::info).list();
    }

    /** The stored CSV of a dataset and its read options, for a worker (the job was validated against it). */
    public Optional<Content> content(UUID id) {
        return jdbc.sql("SELECT blob_id, label_column, label_column_name, header FROM datasets WHERE id = :id")
                .param("id", id)
                .query((rs, n) -> new Object[]{rs.getLong(1), new CsvUpload(rs.getInt(2), rs.getString(3),
                        CsvOptions.Header.valueOf(rs.getString(4)))})
                .optional()
                .map(r -> new Content(blobs.read((Long) r[0]), (CsvUpload) r[1]));
    }

    @Override
    public Optional<DatasetShape> uploaded(String tenant, UUID id) {
        return find(tenant, id).map(d -> new DatasetShape(d.features(), d.classes(), 0, 0, 0, d.rows()));
    }

    private static DatasetInfo info(ResultSet rs, int n) throws SQLException {
        return new DatasetInfo(rs.getObject("id", UUID.class), rs.getString("name"), rs.getString("format"),
                rs.getInt("rows"), rs.getInt("features"), rs.getInt("classes"), rs.getLong("size_bytes"),
                rs.getString("sha256"), rs.getObject("created_at", OffsetDateTime.class));
    }
}
