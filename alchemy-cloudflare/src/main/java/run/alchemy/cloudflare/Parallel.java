package run.alchemy.cloudflare;

import run.alchemy.api.StoreException;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** Runs a store's independent requests at most {@code limit} at a time; the first failure is thrown. */
public final class Parallel implements AutoCloseable {
    private final ExecutorService pool;
    private final String store;

    /**
     * A pool of up to {@code limit} daemon threads, which stop after 30 s idle.
     *
     * @param limit   requests in flight at most; less than 1 throws {@link IllegalArgumentException}
     * @param threads the start of its threads' names, such as {@code r2-store} (each pool adds its
     *                identity, each thread its number)
     * @param store   what the requests are of, for messages, such as {@code R2 store}
     */
    public Parallel(int limit, String threads, String store) {
        this.store = Objects.requireNonNull(store, "store");
        String name = threads + "-" + Integer.toHexString(System.identityHashCode(this)) + "-";
        AtomicInteger count = new AtomicInteger();
        ThreadPoolExecutor executor = new ThreadPoolExecutor(limit, limit, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                r -> {
                    Thread t = new Thread(r, name + count.incrementAndGet());
                    t.setDaemon(true); // an idle store left open must not keep the JVM alive
                    return t;
                });
        executor.allowCoreThreadTimeOut(true);
        this.pool = executor;
    }

    /**
     * Runs the tasks, at most {@code limit} at a time, and waits for all of them; a single task runs
     * on the caller's thread. When one fails, the others are cancelled.
     *
     * @param <T>   what each task returns
     * @param tasks the requests, independent of each other
     * @return their results, in the order of the tasks
     * @throws RuntimeException the first failure in task order, as thrown; a checked exception wrapped in a
     *                          {@link StoreException}, as is an interruption of the waiting thread
     */
    public <T> List<T> all(List<Callable<T>> tasks) {
        List<T> out = new ArrayList<>(tasks.size());
        if (tasks.size() == 1) {
            out.add(run(tasks.get(0)));
            return out;
        }
        List<Future<T>> futures = new ArrayList<>(tasks.size());
        for (Callable<T> task : tasks) {
            futures.add(pool.submit(task));
        }
        try {
            for (Future<T> f : futures) {
                out.add(f.get());
            }
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException("interrupted while waiting for " + store + " requests", e);
        } catch (ExecutionException e) {
            throw rethrow(e.getCause());
        } finally {
            for (Future<T> f : futures) {
                f.cancel(true);
            }
        }
    }

    private <T> T run(Callable<T> task) {
        try {
            return task.call();
        } catch (Exception e) {
            throw rethrow(e);
        }
    }

    private RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) {
            return r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new StoreException(store + " request failed: " + t, t);
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
