package dev.spectra.service.artifacts;

import dev.spectra.service.audit.AuditLog;
import dev.spectra.service.auth.Caller;
import dev.spectra.service.jobs.JobReader;
import dev.spectra.service.jobs.JobService;
import dev.spectra.service.web.ApiException;
import dev.spectra.service.web.CallerTenant;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Map;
import java.util.UUID;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;

/** {@code GET /api/v1/jobs/{id}/model}: the trained network as a DL4J ModelSerializer zip. */
@RestController
@ConditionalOnBooleanProperty(name = "spectra.api.enabled", matchIfMissing = true)
@Tag(name = "jobs")
public class ModelController {

    private final ArtifactStore artifacts;
    private final BlobStore blobs;
    private final JobReader jobs;
    private final CallerTenant tenants;
    private final AuditLog audit;

    public ModelController(ArtifactStore artifacts, BlobStore blobs, JobReader jobs, CallerTenant tenants, AuditLog audit) {
        this.artifacts = artifacts;
        this.blobs = blobs;
        this.jobs = jobs;
        this.tenants = tenants;
        this.audit = audit;
    }

    @GetMapping(path = "/api/v1/jobs/{id}/model", produces = {"application/zip", "application/problem+json"})
    @Operation(summary = "Download the trained model",
            description = "DL4J ModelSerializer zip (load with ModelSerializer.restoreMultiLayerNetwork). "
                    + "ETag is the SHA-256 of the content. 404 model-not-available until the job succeeded.")
    @ApiResponse(responseCode = "200", content = @Content(mediaType = "application/zip"))
    @ApiResponse(responseCode = "404", content = @Content(mediaType = "application/problem+json"))
    public ResponseEntity<StreamingResponseBody> model(@PathVariable("id") UUID id, HttpServletRequest request) {
        if (!jobs.exists(tenants.of(request), id)) {
            throw JobService.notFound(id);
        }
        ArtifactStore.StoredModel m = artifacts.model(id).orElseThrow(() -> ApiException.notFound("model-not-available",
                "Job " + id + " has no trained model (yet): a model is stored when the job succeeds"));
        String etag = "\"" + m.sha256() + "\"";
        if (etag.equals(request.getHeader(HttpHeaders.IF_NONE_MATCH))) {
            return ResponseEntity.status(304).eTag(etag).build();
        }
        audit.record(Caller.of(request), AuditLog.MODEL_DOWNLOADED, id, Map.of("sha256", m.sha256(), "bytes", m.sizeBytes()));
        return ResponseEntity.ok()
                .contentType(MediaType.parseMediaType("application/zip"))
                .contentLength(m.sizeBytes())
                .eTag(etag)
                .header(HttpHeaders.CONTENT_DISPOSITION,
                        ContentDisposition.attachment().filename("spectra-job-" + id + ".zip").build().toString())
                .body(out -> blobs.copyTo(m.blobId(), out));
    }
}
