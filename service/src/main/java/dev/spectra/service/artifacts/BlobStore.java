package dev.spectra.service.artifacts;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Binary values (models, checkpoints, uploaded datasets) in PostgreSQL as chunked bytea, so that
 * writing and reading stream one chunk at a time and no single value approaches bytea's 1 GB
 * limit. Callers run these inside their own transaction (a blob and the row that references it
 * commit together).
 */
@Component
public class BlobStore {

    static final int CHUNK_BYTES = 1 << 20;

    private final JdbcClient jdbc;

    public BlobStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** What was stored. */
    public record Blob(long id, long sizeBytes, String sha256) {
    }

    public Blob write(byte[] data) {
        try {
            return write(new java.io.ByteArrayInputStream(data));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Streams {@code in} into a new blob; must run in a transaction. */
    public Blob write(InputStream in) throws IOException {
        long id = jdbc.sql("INSERT INTO blobs (size_bytes, sha256) VALUES (0, '') RETURNING id").query(Long.class).single();
        MessageDigest sha = sha256();
        byte[] buf = new byte[CHUNK_BYTES];
        long size = 0;
        int seq = 0;
        while (true) {
            int n = in.readNBytes(buf, 0, buf.length);
            if (n <= 0) {
                break;
            }
            sha.update(buf, 0, n);
            size += n;
            jdbc.sql("INSERT INTO blob_chunks (blob_id, seq, data) VALUES (:id, :seq, :data)")
                    .param("id", id).param("seq", seq++).param("data", n == buf.length ? buf : Arrays.copyOf(buf, n))
                    .update();
            if (n < buf.length) {
                break;
            }
        }
        String hex = HexFormat.of().formatHex(sha.digest());
        jdbc.sql("UPDATE blobs SET size_bytes = :size, sha256 = :sha WHERE id = :id")
                .param("size", size).param("sha", hex).param("id", id).update();
        return new Blob(id, size, hex);
    }

    public Blob describe(long id) {
        return jdbc.sql("SELECT id, size_bytes, sha256 FROM blobs WHERE id = :id").param("id", id)
                .query((rs, n) -> new Blob(rs.getLong(1), rs.getLong(2), rs.getString(3))).single();
    }

    /** Copies the blob to {@code out} chunk by chunk (one chunk in memory at a time). */
    public void copyTo(long id, OutputStream out) throws IOException {
        int count = jdbc.sql("SELECT count(*) FROM blob_chunks WHERE blob_id = :id").param("id", id).query(Integer.class).single();
        for (int seq = 0; seq < count; seq++) {
            byte[] chunk = jdbc.sql("SELECT data FROM blob_chunks WHERE blob_id = :id AND seq = :seq")
                    .param("id", id).param("seq", seq).query(byte[].class).single();
            out.write(chunk);
        }
    }

    public byte[] read(long id) {
        var out = new java.io.ByteArrayOutputStream();
        try {
            copyTo(id, out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    public void delete(long id) {
        jdbc.sql("DELETE FROM blobs WHERE id = :id").param("id", id).update();
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
