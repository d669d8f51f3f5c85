package run.alchemy.engine.internal.state;

import run.alchemy.engine.internal.log.StageLog;
import run.alchemy.engine.internal.log.EventCodec;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the log says each snapshot should hold: the {@link Snapshot#digest(byte[])} of every record's last projected bytes,
 * as of the log's head. Reads compare stored snapshots with it to notice changes made behind the
 * log's back. Cached in the log's index so that opening a stage need not read its whole history.
 *
 * <p>For a store whose listing names each object's version (an S3 or R2 ETag), the index also
 * keeps the projected bytes of each record with the version the listing showed for them: while
 * the listing shows that version, the snapshot still holds those bytes, so a no-op redeploy reads
 * them from here instead of making a request per record. The token is trusted to name the bytes
 * (an ETag changes with them); a body is used only when its hash is still the expected one.
 */
final class ProjectionIndex implements ReadAhead.KnownBodies {
    private static final String MAGIC = "alchemy-java-index ";
    /** The length of a {@link Snapshot#digest(byte[])}. */
    private static final int DIGEST_LENGTH = 16;
    /** Version 3: {@link Snapshot#digest(byte[])}s; 1 and 2 held SHA-256 hashes, which are unusable now (the log is read instead). */
    private static final String VERSION = "3";

    private final Map<Key, String> expected = new ConcurrentHashMap<>();
    /** Projected bytes by record, with the listing's version for them. */
    private final Map<Key, Known> known = new ConcurrentHashMap<>();
    /** The position the saved index reflects. */
    private long savedAt;
    /** Set when a body was learned since the index was loaded or saved. */
    private volatile boolean learned;
    /** The ids expected in each scope, grouped on first use (later keys are this run's own writes). */
    private volatile Map<List<String>, List<String>> byChain;

    /** A record's projected bytes (of {@code digest}) and the version a listing showed for them. */
    private record Known(String version, String digest, byte[] bytes) {
    }

    String expected(Key key) {
        return expected.get(key);
    }

    boolean expects(Key key) {
        return expected.containsKey(key);
    }

    /** The snapshot of {@code key} should now hold bytes of {@code digest}; null: no snapshot. */
    void expect(Key key, String digest) {
        if (digest == null) {
            expected.remove(key);
        } else {
            expected.put(key, digest);
        }
        Known k = known.get(key);
        if (k != null && !k.digest().equals(digest)) {
            known.remove(key, k);
        }
    }

    void clear() {
        expected.clear();
        known.clear();
    }

    @Override
    public Snapshot known(Key key, String version) {
        Known k = version == null ? null : known.get(key);
        return k != null && k.version().equals(version) && k.digest().equals(expected.get(key))
                ? new Snapshot(k.bytes(), k.digest()) : null;
    }

    @Override
    public void observed(Key key, String version, byte[] bytes, String digest) {
        if (version == null || !storable(version) || !digest.equals(expected.get(key))) {
            return;
        }
        Known before = known.put(key, new Known(version, digest, bytes));
        if (before == null || !before.version().equals(version)) {
            learned = true;
        }
    }

    /** A token that fits on an index line. */
    private static boolean storable(String version) {
        if (version.isEmpty() || version.length() > 200) {
            return false;
        }
        for (int i = 0; i < version.length(); i++) {
            char c = version.charAt(i);
            if (c <= ' ' || c == 0x7f) {
                return false;
            }
        }
        return true;
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
     * Loads the cached hashes (the log's index, as opening read it) as of some position, so that
     * only the log after it is read; returns that position, or 0 (read everything) when there is no
     * usable cache. A body whose bytes do not hash to its line's hash is left out.
     *
     * <p>Format: a line {@code alchemy-java-index 2 <position>}, then per record a line
     * {@code <digest> <key>}, followed, when its bytes are known, by a line {@code +<length> <version>}
     * and the bytes and a newline.
     */
    long load(Optional<byte[]> bytes, long logHead) {
        if (bytes.isEmpty()) {
            return 0;
        }
        byte[] in = bytes.get();
        try {
            int at = lineEnd(in, 0);
            String header = text(in, 0, at);
            if (!header.startsWith(MAGIC) || at >= in.length) {
                return 0;
            }
            String[] versionAndPosition = header.substring(MAGIC.length()).split(" ", -1);
            if (versionAndPosition.length != 2 || !VERSION.equals(versionAndPosition[0])) {
                return 0;
            }
            long position = Long.parseLong(versionAndPosition[1]);
            if (position < 0 || position > logHead) {
                return 0; // the log was compacted or replaced under the cache
            }
            Map<Key, String> loaded = new HashMap<>();
            Map<Key, Known> bodies = new HashMap<>();
            Map<String, List<String>> chains = new HashMap<>(); // one copy of each scope's chain, by its text
            Key last = null;
            at++;
            while (at < in.length) {
                int end = lineEnd(in, at);
                String line = text(in, at, end);
                if (line.startsWith("+") && last != null) {
                    int space = line.indexOf(' ');
                    int length = Integer.parseInt(line.substring(1, space));
                    if (length < 0 || length > in.length - end - 1) {
                        return unusable(); // a cut or damaged index: never allocate what its line claims
                    }
                    byte[] body = Arrays.copyOfRange(in, end + 1, end + 1 + length);
                    String digest = loaded.get(last);
                    if (body.length == length && Snapshot.digest(body).equals(digest)) {
                        bodies.put(last, new Known(line.substring(space + 1), digest, body));
                    }
                    at = end + 1 + length + 1;
                    continue;
                }
                last = key(line.substring(DIGEST_LENGTH + 1), chains);
                loaded.put(last, line.substring(0, DIGEST_LENGTH));
                at = end + 1;
            }
            expected.putAll(loaded);
            known.putAll(bodies);
            savedAt = position;
            return position;
        } catch (RuntimeException e) {
            return unusable();
        }
    }

    private long unusable() {
        expected.clear();
        known.clear();
        return 0;
    }

    /**
     * The key of an index line, its scope's chain parsed once per scope: a key of plain names is
     * {@code ["app","stage",…,"id"]}, and all but its id are the same on the lines of one scope.
     */
    private static Key key(String text, Map<String, List<String>> chains) {
        int lastComma = text.lastIndexOf("\",\"");
        if (lastComma < 0 || !text.endsWith("\"]") || text.indexOf('\\') >= 0) {
            Map.Entry<List<String>, String> k = EventCodec.parseKey(text);
            return new Key(k.getKey(), k.getValue());
        }
        List<String> chain = chains.computeIfAbsent(text.substring(0, lastComma),
                c -> EventCodec.parseKey(text).getKey());
        return new Key(chain, text.substring(lastComma + 3, text.length() - 2));
    }

    private static int lineEnd(byte[] in, int from) {
        for (int i = from; i < in.length; i++) {
            if (in[i] == '\n') {
                return i;
            }
        }
        return in.length;
    }

    private static String text(byte[] in, int from, int to) {
        return new String(in, from, to - from, StandardCharsets.UTF_8);
    }

    /** Saves the hashes (and the known bodies) as of {@code head}, when they moved since they were loaded or saved. */
    void save(StageLog log, long head) {
        if (head == savedAt && !learned) {
            return;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(64 + expected.size() * 128);
        out.writeBytes((MAGIC + VERSION + " " + head + "\n").getBytes(StandardCharsets.UTF_8));
        expected.forEach((k, digest) -> {
            out.writeBytes((digest + ' ' + EventCodec.key(k.chain(), k.id()) + '\n').getBytes(StandardCharsets.UTF_8));
            Known body = known.get(k);
            if (body != null && Objects.equals(body.digest(), digest)) {
                out.writeBytes(("+" + body.bytes().length + ' ' + body.version() + '\n').getBytes(StandardCharsets.UTF_8));
                out.writeBytes(body.bytes());
                out.write('\n');
            }
        });
        log.writeIndex(out.toByteArray());
        savedAt = head;
        learned = false;
    }
}
