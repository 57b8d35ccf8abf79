package dev.spectra.service.datasets;

import dev.spectra.optim.data.Dataset;
import dev.spectra.optim.data.DatasetException;
import dev.spectra.optim.data.SyntheticDatasets;
import dev.spectra.service.audit.AuditLog;
import dev.spectra.service.auth.Caller;
import dev.spectra.service.config.LimitsProperties;
import dev.spectra.service.tenants.TenantQuota;
import dev.spectra.service.web.FieldError;
import dev.spectra.service.jobs.TimeOrderedIds;
import dev.spectra.service.web.ApiException;
import dev.spectra.service.web.CallerTenant;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** {@code /api/v1/datasets}: upload a CSV classification dataset and list what is available. */
@RestController
@RequestMapping("/api/v1/datasets")
@ConditionalOnBooleanProperty(name = "spectra.api.enabled", matchIfMissing = true)
@Tag(name = "datasets", description = "Built-in and uploaded datasets")
public class DatasetController {

    public static final String INVALID = "invalid-dataset";

    private final DatasetRepository datasets;
    private final LimitsProperties limits;
    private final CallerTenant tenants;
    private final TenantQuota quota;
    private final AuditLog audit;

    public DatasetController(DatasetRepository datasets, LimitsProperties limits, CallerTenant tenants, TenantQuota quota,
                             AuditLog audit) {
        this.datasets = datasets;
        this.limits = limits;
        this.tenants = tenants;
        this.quota = quota;
        this.audit = audit;
    }

    /** A built-in dataset a job can name without uploading anything. */
    public record BuiltInDataset(String name, String description) {
    }

    /** Uploaded datasets (newest first) and the built-in ones. */
    public record DatasetList(List<DatasetInfo> items, List<BuiltInDataset> builtIn) {
    }

    @PostMapping(consumes = {"text/csv", MediaType.TEXT_PLAIN_VALUE, MediaType.APPLICATION_OCTET_STREAM_VALUE},
            produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "Upload a CSV classification dataset",
            description = "Body: CSV rows of numeric features and an integer class label in [0, classes). "
                    + "Validated completely before it is stored (400 invalid-dataset lists the bad rows); "
                    + "size capped by spectra.limits.max-upload-bytes (413).")
    @ApiResponse(responseCode = "201", description = "Stored")
    @ApiResponse(responseCode = "400", content = @Content(mediaType = "application/problem+json"))
    @ApiResponse(responseCode = "413", content = @Content(mediaType = "application/problem+json"))
    public ResponseEntity<DatasetInfo> upload(
            @Parameter(description = "Display name") @RequestParam(name = "name", defaultValue = "dataset") String name,
            @Parameter(description = "last (default), first, a 0-based index or a header name")
            @RequestParam(name = "labelColumn", defaultValue = "last") String labelColumn,
            @Parameter(description = "true/false; detected from the first row when absent")
            @RequestParam(name = "header", required = false) Boolean header,
            HttpServletRequest request) throws IOException {
        if (name.isBlank() || name.length() > 200) {
            throw ApiException.badRequest("invalid-parameter", "name must be 1 to 200 characters");
        }
        // The body is bounded by RequestSizeLimitFilter (max-upload-bytes), so holding it is bounded too.
        byte[] csv = request.getInputStream().readAllBytes();
        CsvUpload options = CsvUpload.of(labelColumn, header);
        Dataset data;
        try {
            data = options.read(csv, name, limits);
        } catch (DatasetException e) {
            throw ApiException.invalid(INVALID, "Invalid dataset", List.of(new FieldError("body", e.problem(), null)));
        } catch (IllegalArgumentException e) {
            throw ApiException.invalid(INVALID, "Invalid dataset", List.of(new FieldError("labelColumn", e.getMessage(), labelColumn)));
        }
        if (data.numClasses() < 2) {
            throw ApiException.invalid(INVALID, "Invalid dataset", List.of(FieldError.of("body", "needs at least two classes")));
        }
        String tenant = tenants.of(request);
        quota.checkUpload(tenant, data.size());
        UUID id = TimeOrderedIds.next();
        DatasetInfo info = datasets.store(tenant, id, name, csv, options, data.size(), data.featureWidth(),
                data.numClasses());
        audit.record(Caller.of(request), AuditLog.DATASET_UPLOADED, id, Map.of("name", name, "rows", data.size(),
                "bytes", csv.length));
        return ResponseEntity.status(HttpStatus.CREATED).location(URI.create("/api/v1/datasets/" + id)).body(info);
    }

    @GetMapping(produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "List uploaded and built-in datasets")
    public DatasetList list(@RequestParam(name = "limit", defaultValue = "100") int limit, HttpServletRequest request) {
        if (limit < 1 || limit > 1000) {
            throw ApiException.badRequest("invalid-parameter", "limit must be in [1, 1000]");
        }
        return new DatasetList(datasets.list(tenants.of(request), limit), List.of(
                new BuiltInDataset("fashion-mnist", "Fashion-MNIST 28x28 grayscale, 10 classes; fields trainSamples "
                        + "(<= 60000), testSamples (<= 10000)"),
                new BuiltInDataset(SyntheticDatasets.BLOBS, "Gaussian clusters; fields trainSamples, testSamples, features, "
                        + "classes, noise"),
                new BuiltInDataset(SyntheticDatasets.XOR, "2 features, 2 classes; fields trainSamples, testSamples"),
                new BuiltInDataset(SyntheticDatasets.SPIRALS, "2 features, 3 classes; fields trainSamples, testSamples")));
    }

    @GetMapping(path = "/{id}", produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "An uploaded dataset")
    public DatasetInfo get(@PathVariable("id") UUID id, HttpServletRequest request) {
        return datasets.find(tenants.of(request), id)
                .orElseThrow(() -> ApiException.notFound("dataset-not-found", "No dataset " + id));
    }
}
