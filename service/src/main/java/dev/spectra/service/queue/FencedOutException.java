package dev.spectra.service.queue;

/** A worker's write was refused because its attempt no longer owns the job (stale fencing number). */
public class FencedOutException extends RuntimeException {

    public FencedOutException(Fence fence, String what) {
        super("attempt " + fence.attemptNumber() + " of job " + fence.jobId() + " (fence " + fence.fence()
                + ") no longer owns the job; refused to " + what);
    }
}
