package dev.spectra.service.workers;

import dev.spectra.service.queue.Fence;
import java.util.Collection;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/** The jobs this worker process is training right now, by job id. */
final class RunningJobs {

    private final ConcurrentMap<UUID, JobRun> runs = new ConcurrentHashMap<>();

    JobRun start(Fence fence, int bufferPoints, int maxBufferPoints, int gpus) {
        JobRun run = new JobRun(fence, bufferPoints, maxBufferPoints, gpus);
        runs.put(fence.jobId(), run);
        return run;
    }

    void finish(JobRun run) {
        runs.remove(run.fence().jobId(), run);
    }

    JobRun byJob(UUID jobId) {
        return runs.get(jobId);
    }

    Collection<JobRun> all() {
        return List.copyOf(runs.values());
    }

    int size() {
        return runs.size();
    }

    int gpusInUse() {
        return runs.values().stream().mapToInt(JobRun::gpus).sum();
    }

    double samplesPerSecond() {
        return runs.values().stream().mapToDouble(JobRun::samplesPerSecond).sum();
    }
}
