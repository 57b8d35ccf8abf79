package dev.spectra.service.workers;

import dev.spectra.service.config.WorkerProperties;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /api/v1/workers}: the fleet, its devices, heartbeat ages and running jobs. */
@RestController
@ConditionalOnBooleanProperty(name = "spectra.api.enabled", matchIfMissing = true)
@Tag(name = "workers", description = "Registered workers")
public class WorkerController {

    private final WorkerRepository workers;
    private final WorkerProperties props;

    public WorkerController(WorkerRepository workers, WorkerProperties props) {
        this.workers = workers;
        this.props = props;
    }

    /** The workers, newest first. */
    public record WorkerList(List<WorkerRepository.WorkerView> items) {
    }

    @GetMapping(path = "/api/v1/workers", produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "Registered workers",
            description = "Active workers and those stopped in the last hour; LOST means active but silent for longer "
                    + "than the lease duration.")
    public WorkerList list() {
        return new WorkerList(workers.list(props.leaseDuration(), Duration.ofHours(1), 500));
    }
}
