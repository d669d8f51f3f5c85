package run.alchemy.store.r2.internal;

import run.alchemy.store.s3.LogObjects;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.function.Supplier;

/**
 * The S3 store's event log carried over Cloudflare's REST object API (the R2 store's log mode
 * "rest"). Everything maps one to one but {@link #putIfAbsent}: a REST upload takes no
 * precondition, so "create only if absent" is a read, an upload and a read-back. The read-back
 * catches a writer whose upload lands between this one's upload and its read-back (this one then
 * withdraws); it cannot catch one that checked before this upload and uploads after the read-back:
 * both believe they created the object, and the later upload replaces the earlier. Whatever is
 * built on it (the stage lease, the log's fencing) keeps a second writer out only up to that race.
 */
public final class RestLogObjects implements LogObjects {
    private final R2Objects objects;

    public RestLogObjects(R2Objects objects) {
        this.objects = objects;
    }

    @Override
    public Optional<byte[]> get(String key) {
        return objects.get(key);
    }

    /** No version token: the REST download's ETag is not read, so readers compare bytes. */
    @Override
    public Optional<Fetched> getWithETag(String key) {
        return objects.get(key).map(bytes -> new Fetched(bytes, null));
    }

    /** The whole object: the REST API's download is not cut short (batches are small). */
    @Override
    public Optional<byte[]> head(String key, int length) {
        return objects.get(key);
    }

    @Override
    public String put(String key, byte[] body, String contentType) {
        objects.put(key, body);
        return null;
    }

    @Override
    public Create putIfAbsent(String key, byte[] body, String contentType) {
        if (objects.get(key).isPresent()) {
            return Create.EXISTS;
        }
        objects.put(key, body);
        return objects.get(key).filter(stored -> Arrays.equals(stored, body)).isPresent() ? Create.CREATED : Create.EXISTS;
    }

    @Override
    public void delete(String key) {
        objects.delete(key);
    }

    @Override
    public void deleteAll(List<String> keys) {
        keys.forEach(objects::delete);
    }

    @Override
    public Listing list(String prefix, String delimiter, String startAfter) {
        R2Objects.Listing page = objects.list(prefix, delimiter, startAfter);
        return new Listing(page.objects().stream().map(R2Objects.Entry::key).toList(), page.prefixes());
    }

    /**
     * Runs the task on the caller's thread: the log reads a few batches when a run opens, and the
     * REST API's request budget (about 1,200 per five minutes) is better not spent in bursts.
     */
    @Override
    public <T> Future<T> submit(Supplier<T> task) {
        try {
            return CompletableFuture.completedFuture(task.get());
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public int parallelism() {
        return 1;
    }

    @Override
    public String url(String key) {
        return objects.url(key);
    }
}
