package dev.spectra.optim.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Runs several jobs on their own threads but one at a time, handing the turn on round-robin after
 * every {@code block} steps a job reports. Used to time training runs side by side: on a machine
 * shared with other work, a load change then hits every run alike instead of whichever happened
 * to run during it. Jobs never compute concurrently, so each still sees one core's worth of BLAS.
 */
final class RoundRobin {

    /** A job: runs with the turn held; calls {@link Turns#stepped()} after each timed step. */
    interface Job {
        void run(Turns turns) throws Exception;
    }

    /** Handle given to a job for reporting its steps. */
    interface Turns {
        /** Counts one step; after {@code block} steps, waits while the other jobs take their turns. */
        void stepped();
    }

    private final int block;
    private final List<Integer> active = new ArrayList<>();
    private int turn;
    private int steps;

    private RoundRobin(int block, int jobs) {
        this.block = block;
        for (int i = 0; i < jobs; i++) {
            active.add(i);
        }
    }

    /** Runs the jobs in turns of {@code block} steps; rethrows the first failure. */
    static void run(int block, List<Job> jobs) throws Exception {
        if (block < 1) {
            throw new IllegalArgumentException("block must be >= 1 but was " + block);
        }
        RoundRobin rr = new RoundRobin(block, jobs.size());
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, jobs.size()));
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int i = 0; i < jobs.size(); i++) {
                int id = i;
                done.add(pool.submit(() -> {
                    rr.awaitTurn(id);
                    try {
                        jobs.get(id).run(() -> rr.stepped(id));
                    } finally {
                        rr.finished(id);
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                try {
                    f.get();
                } catch (java.util.concurrent.ExecutionException e) {
                    throw e.getCause() instanceof Exception ex ? ex : e;
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private synchronized void awaitTurn(int id) throws InterruptedException {
        while (turn != id) {
            wait();
        }
    }

    private synchronized void stepped(int id) {
        if (++steps < block || active.size() < 2) {
            return;
        }
        turn = active.get((active.indexOf(id) + 1) % active.size());
        steps = 0;
        notifyAll();
        try {
            awaitTurn(id);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a turn", e);
        }
    }

    private synchronized void finished(int id) {
        int at = active.indexOf(id);
        active.remove(at);
        if (turn == id && !active.isEmpty()) {
            turn = active.get(at % active.size());
            steps = 0;
        }
        notifyAll();
    }
}
