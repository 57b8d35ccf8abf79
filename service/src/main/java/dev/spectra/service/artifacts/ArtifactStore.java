package dev.spectra.service.artifacts;

import dev.spectra.optim.train.TrainingCheckpoint;
import dev.spectra.service.queue.Fence;
import dev.spectra.service.queue.JobQueue;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

/**
 * Checkpoints and final models of jobs. Writes are fenced: they happen only while the writing
 * attempt owns the job ({@link JobQueue#lockOwned}), so a worker that lost its job cannot
 * overwrite what its successor resumed from.
 */
@Repository
public class ArtifactStore {

    private final JdbcClient jdbc;
    private final BlobStore blobs;
    private final JobQueue queue;

    public ArtifactStore(JdbcClient jdbc, BlobStore blobs, JobQueue queue) {
        this.jdbc = jdbc;
        this.blobs = blobs;
        this.queue = queue;
    }

    /** A stored model ready for download. */
    public record StoredModel(long blobId, long sizeBytes, String sha256, long step) {
    }

    /** Stores a checkpoint and deletes all but the newest {@code keep} of the job. */
    @Transactional
    public long saveCheckpoint(Fence f, TrainingCheckpoint cp, int keep) {
        queue.lockOwned(f, "write a checkpoint");
        BlobStore.Blob blob = blobs.write(cp.toBytes());
        long id = jdbc.sql("""
                INSERT INTO artifacts (job_id, attempt_id, kind, step, epoch, blob_id)
                VALUES (:job, :attempt, 'CHECKPOINT', :step, :epoch, :blob) RETURNING id""")
                .param("job", f.jobId()).param("attempt", f.attemptId()).param("step", cp.step()).param("epoch", cp.epoch())
                .param("blob", blob.id()).query(Long.class).single();
        List<long[]> old = jdbc.sql("""
                SELECT id, blob_id FROM artifacts
                WHERE job_id = :job AND kind = 'CHECKPOINT' ORDER BY step DESC, id DESC OFFSET :keep""")
                .param("job", f.jobId()).param("keep", keep)
                .query((rs, n) -> new long[]{rs.getLong(1), rs.getLong(2)}).list();
        for (long[] o : old) {
            jdbc.sql("DELETE FROM artifacts WHERE id = :id").param("id", o[0]).update();
            blobs.delete(o[1]);
        }
        return id;
    }

    /** Stores the trained model; the caller finishes the job in the same transaction. */
    public void saveModel(Fence f, byte[] model, long step, int epoch) {
        queue.lockOwned(f, "store the final model");
        BlobStore.Blob blob = blobs.write(model);
        jdbc.sql("""
                INSERT INTO artifacts (job_id, attempt_id, kind, step, epoch, blob_id)
                VALUES (:job, :attempt, 'MODEL', :step, :epoch, :blob)""")
                .param("job", f.jobId()).param("attempt", f.attemptId()).param("step", step).param("epoch", epoch)
                .param("blob", blob.id()).update();
    }

    /** The newest checkpoint of a job, to resume from. */
    @Transactional(readOnly = true)
    public Optional<TrainingCheckpoint> latestCheckpoint(UUID jobId) {
        return jdbc.sql("""
                SELECT blob_id FROM artifacts
                WHERE job_id = :job AND kind = 'CHECKPOINT' ORDER BY step DESC, id DESC LIMIT 1""")
                .param("job", jobId)
                .query(Long.class)
                .optional()
                .map(blob -> TrainingCheckpoint.fromBytes(blobs.read(blob)));
    }

    public Optional<StoredModel> model(UUID jobId) {
        return jdbc.sql("""
                SELECT b.id, b.size_bytes, b.sha256, a.step FROM artifacts a JOIN blobs b ON b.id = a.blob_id
                WHERE a.job_id = :job AND a.kind = 'MODEL'""")
                .param("job", jobId)
                .query((rs, n) -> new StoredModel(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getLong(4)))
                .optional();
    }
}
