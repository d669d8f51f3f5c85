package run.alchemy.fuzz;

import run.alchemy.store.s3.LogObjects;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.function.Supplier;

/**
 * Objects in memory behind the interface the S3 and R2 logs read through, so that a target feeds
 * the log's parser bytes as a bucket would hand them over, at memory speed. Listing follows S3's
 * rules (keys ascending, {@code startAfter} exclusive, a delimiter folds keys into prefixes).
 */
final class MemoryObjects implements LogObjects {
    private final TreeMap<String, byte[]> objects = new TreeMap<>();

    void clear() {
        objects.clear();
    }

    void add(String key, byte[] body) {
        objects.put(key, body);
    }

    @Override
    public Optional<byte[]> get(String key) {
        return Optional.ofNullable(objects.get(key));
    }

    @Override
    public Optional<Fetched> getWithETag(String key) {
        return get(key).map(b -> new Fetched(b, Integer.toHexString(Arrays.hashCode(b))));
    }

    @Override
    public Optional<byte[]> head(String key, int length) {
        return get(key).map(b -> Arrays.copyOf(b, Math.min(length, b.length)));
    }

    @Override
    public String put(String key, byte[] body, String contentType) {
        objects.put(key, body);
        return null;
    }

    @Override
    public Create putIfAbsent(String key, byte[] body, String contentType) {
        return objects.putIfAbsent(key, body) == null ? Create.CREATED : Create.EXISTS;
    }

    @Override
    public void delete(String key) {
        objects.remove(key);
    }

    @Override
    public void deleteAll(List<String> keys) {
        keys.forEach(objects::remove);
    }

    @Override
    public Listing list(String prefix, String delimiter, String startAfter) {
        List<String> keys = new ArrayList<>();
        List<String> prefixes = new ArrayList<>();
        for (Map.Entry<String, byte[]> e : objects.tailMap(prefix, true).entrySet()) {
            String key = e.getKey();
            if (!key.startsWith(prefix)) {
                break;
            }
            if (startAfter != null && key.compareTo(startAfter) <= 0) {
                continue;
            }
            int cut = delimiter == null ? -1 : key.indexOf(delimiter, prefix.length());
            if (cut < 0) {
                keys.add(key);
            } else if (!prefixes.contains(key.substring(0, cut + delimiter.length()))) {
                prefixes.add(key.substring(0, cut + delimiter.length()));
            }
        }
        return new Listing(keys, prefixes);
    }

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
        return 2;
    }

    @Override
    public String url(String key) {
        return "mem://fuzz-bucket/" + key;
    }
}
