package run.alchemy.engine.internal.state;

import run.alchemy.engine.internal.log.StageLog;
import run.alchemy.engine.internal.log.EventCodec;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the log says each snapshot should hold: the SHA-256 of every record's last projected bytes,
 * as of the log's head. Reads compare stored snapshots with it to notice changes made behind the
 * log's back. Cached in the log's index so that opening a stage need not read its whole history.
 */
final class ProjectionIndex {
    private static final String MAGIC = "alchemy-java-index 1 ";

    private final Map<Key, String> expected = new ConcurrentHashMap<>();
    /** The position the saved index reflects. */
    private long savedAt;
    /** The ids expected in each scope, grouped on first use (later keys are this run's own writes). */
    private volatile Map<List<String>, List<String>> byChain;

    String expected(Key key) {
        return expected.get(key);
    }

    boolean expects(Key key) {
        return expected.containsKey(key);
    }

    /** The snapshot of {@code key} should now hold bytes hashing to {@code sha}; null: no snapshot. */
    void expect(Key key, String sha) {
        if (sha == null) {
            expected.remove(key);
        } else {
            expected.put(key, sha);
        }
    }

    void clear() {
        expected.clear();
    }

    /** The ids the log expects in the scope, as of the index's first grouping; null when none. */
    List<String> idsIn(List<String> chain) {
        Map<List<String>, List<String>> grouped = byChain;
        if (grouped == null) {
            synchronized (this) {
                if (byChain == null) {
                    Map<List<String>, List<String>> g = new HashMap<>();
                    expected.keySet().forEach(k -> g.computeIfAbsent(k.chain(), c -> new ArrayList<>()).add(k.id()));
                    byChain = g;
                }
                grouped = byChain;
            }
        }
        return grouped.get(chain);
    }

    /**
     * Loads the cached hashes (the log's index, as opening read it) as of some position, so that only the log after it is read; returns
     * that position, or 0 (read everything) when there is no usable cache.
     */
    long load(Optional<byte[]> bytes, long logHead) {
        if (bytes.isEmpty()) {
            return 0;
        }
        String text = new String(bytes.get(), StandardCharsets.UTF_8);
        try {
            int nl = text.indexOf('\n');
            if (!text.startsWith(MAGIC) || nl < 0) {
                return 0;
            }
            long position = Long.parseLong(text.substring(MAGIC.length(), nl));
            if (position > logHead) {
                return 0; // the log was compacted or replaced under the cache
            }
            Map<Key, String> loaded = new HashMap<>();
            Map<List<String>, List<String>> chains = new HashMap<>(); // one copy of each scope's chain
            int at = nl + 1;
            while (at < text.length()) {
                int end = text.indexOf('\n', at);
                String line = text.substring(at, end < 0 ? text.length() : end);
                Map.Entry<List<String>, String> k = EventCodec.parseKey(line.substring(65));
                loaded.put(new Key(chains.computeIfAbsent(k.getKey(), c -> c), k.getValue()), line.substring(0, 64));
                at = end < 0 ? text.length() : end + 1;
            }
            expected.putAll(loaded);
            savedAt = position;
            return position;
        } catch (RuntimeException e) {
            expected.clear();
            return 0;
        }
    }

    /** Saves the hashes as of {@code head}, when they moved since they were loaded or saved. */
    void save(StageLog log, long head) {
        if (head == savedAt) {
            return;
        }
        StringBuilder out = new StringBuilder(MAGIC).append(head).append('\n');
        expected.forEach((k, sha) -> out.append(sha).append(' ').append(EventCodec.key(k.chain(), k.id())).append('\n'));
        log.writeIndex(out.toString().getBytes(StandardCharsets.UTF_8));
        savedAt = head;
    }
}
