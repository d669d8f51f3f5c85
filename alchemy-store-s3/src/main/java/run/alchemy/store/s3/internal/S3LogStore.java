package run.alchemy.store.s3.internal;

import run.alchemy.api.StateCorruptedException;
import run.alchemy.api.StoreException;
import run.alchemy.api.spi.LogConflictException;
import run.alchemy.api.spi.LogStore;
import run.alchemy.store.s3.LogObjects;
import run.alchemy.store.s3.LogObjects.Create;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.Future;

/**
 * A stage's log storage in S3, under {@code <prefix>.alchemy-java/<app>/<stage>/}, where Alchemy
 * never lists. Records are made only of create-only writes ({@code If-None-Match: *}), the one
 * conditional write S3 makes atomic:
 *
 * <ul>
 *   <li>{@code log/<first position, 20 digits>}: one object per appended batch, a header line
 *       and one record per line. A batch's key is its first position, so two writers appending
 *       at the same head race for the same key and exactly one wins; the loser gets 412 and a
 *       {@link LogConflictException}.</li>
 *   <li>{@code floor/<position>}: written by {@link #dropBelow} before it deletes the batches that
 *       end below the position, so that an append that re-creates a deleted key finds it and
 *       withdraws (its writer was stale).</li>
 *   <li>{@code checkpoint/<position>}: left by the compaction of earlier versions in place of the
 *       records up to the position; read as the record at it, deleted by the next drop.</li>
 *   <li>Control objects: {@code <name>}, plain puts, and create-only puts for
 *       {@link #createControl}; names in {@code log/}, {@code floor/} or {@code checkpoint/} are refused. A
 *       create whose answer was lost and whose retry meets its own object reports false: it cannot
 *       be told from another creator's.</li>
 * </ul>
 *
 * The head is found by listing from the last batch key this instance knows, never the whole log
 * each time; reads fetch batches in parallel, a bounded window ahead, and deliver them in order.
 */
public final class S3LogStore implements LogStore {
    private static final String BATCH_MAGIC = "alchemy-java-batch 1";
    private static final String LEGACY_MAGIC = "alchemy-java-checkpoint 1";
    private static final String TYPE = "application/x-alchemy-java-log";
    private static final int HEADER_BYTES = 160;

    private final LogObjects s3;
    private final String root;
    private final String logPrefix;
    private final String floorPrefix;
    private final String legacyPrefix;

    private final Object monitor = new Object();
    /** Batches seen: first position → record count (0: not read yet). Complete from {@link #coveredFrom} on. */
    private final TreeMap<Long, Integer> batches = new TreeMap<>();
    private long coveredFrom = Long.MAX_VALUE;
    private long head = -1;
    /** The highest drop position as of the last refresh (records below it may be gone); 0 when none. */
    private long floor;
    /**
     * The position of a {@code checkpoint/<position>} that the compaction of earlier versions left
     * in place of the records up to it (0: none; -1: not listed yet). None is written any more, so
     * one listing per instance finds it; it is read as the record at its position.
     */
    private long legacy = -1;

    public S3LogStore(LogObjects s3, String root) {
        this.s3 = s3;
        this.root = root;
        this.logPrefix = root + "log/";
        this.floorPrefix = root + "floor/";
        this.legacyPrefix = root + "checkpoint/";
    }

    private static String pad(long position) {
        String digits = Long.toString(position);
        return "0".repeat(Math.max(0, 20 - digits.length())) + digits;
    }

    private String batchKey(long first) {
        return logPrefix + pad(first);
    }

    private long positionOf(String key, String prefix) {
        try {
            return Long.parseLong(key.substring(prefix.length()));
        } catch (NumberFormatException e) {
            throw new StateCorruptedException(s3.url(key), "not a log object name (expected 20 digits after "
                    + prefix + ")");
        }
    }

    // ------------------------------------------------------------------ head

    @Override
    public long head() {
        synchronized (monitor) {
            refresh();
            return head;
        }
    }

    /** Lists the batches after the last one known (from the start when none is), and recomputes the head. */
    private void refresh() {
        if (batches.isEmpty()) {
            remember(s3.list(logPrefix, null, null).keys());
            coveredFrom = 0;
        } else {
            remember(s3.list(logPrefix, null, batchKey(batches.lastKey())).keys());
        }
        // The floor is listed after the batches (a compaction writes its floor before it deletes
        // what lies below), but at the same time as the last batch's header is read: a round trip
        // less for every head, the one wait an open of a remote stage is made of.
        Future<Long> latestFloor = s3.submit(this::latestFloor);
        Future<Long> legacyCheckpoint = legacy < 0 ? s3.submit(this::listLegacyCheckpoint) : null;
        long top = 0;
        try {
            while (!batches.isEmpty()) {
                Map.Entry<Long, Integer> last = batches.lastEntry();
                int count = last.getValue() > 0 ? last.getValue() : countOf(last.getKey());
                if (count > 0) {
                    batches.put(last.getKey(), count);
                    top = last.getKey() + count - 1;
                    break;
                }
                batches.remove(last.getKey()); // deleted by a compaction since it was listed
            }
            floor = S3Objects.await(latestFloor);
            if (legacyCheckpoint != null) {
                legacy = S3Objects.await(legacyCheckpoint);
            }
        } finally {
            latestFloor.cancel(true);
            if (legacyCheckpoint != null) {
                legacyCheckpoint.cancel(true);
            }
        }
        head = Math.max(top, legacy);
    }

    private void remember(List<String> keys) {
        for (String key : keys) {
            batches.putIfAbsent(positionOf(key, logPrefix), 0);
        }
    }

    /** The record count in a batch's header, or 0 when the batch is gone. */
    private int countOf(long first) {
        Optional<byte[]> header = s3.head(batchKey(first), HEADER_BYTES);
        return header.map(h -> parseHeader(batchKey(first), h, first).count).orElse(0);
    }

    /** A batch's header line: first position, record count (then a batch id, for {@link #isOurs}), and its length. */
    private record Header(long first, int count, int length) {
    }

    private Header parseHeader(String key, byte[] body, long expectedFirst) {
        int nl = indexOf(body, 0);
        String[] parts = nl < 0 ? new String[0] : new String(body, 0, nl, StandardCharsets.UTF_8).split(" ");
        if (parts.length != 5 || !(parts[0] + " " + parts[1]).equals(BATCH_MAGIC)) {
            throw new StateCorruptedException(s3.url(key), "not an alchemy-java log batch (bad header)");
        }
        try {
            Header h = new Header(Long.parseLong(parts[2]), Integer.parseInt(parts[3]), nl + 1);
            if (h.first != expectedFirst || h.count < 1) {
                throw new StateCorruptedException(s3.url(key), "batch header says first position " + h.first
                        + " and " + h.count + " records; its key says " + expectedFirst);
            }
            return h;
        } catch (NumberFormatException e) {
            throw new StateCorruptedException(s3.url(key), "not an alchemy-java log batch (bad header numbers)");
        }
    }

    private static int indexOf(byte[] bytes, int from) {
        for (int i = from; i < bytes.length; i++) {
            if (bytes[i] == '\n') {
                return i;
            }
        }
        return -1;
    }

    // ------------------------------------------------------------------ append

    @Override
    public long append(long expectedHead, List<byte[]> records) {
        byte[] body = encodeBatch(expectedHead + 1, records, UUID.randomUUID().toString());
        synchronized (monitor) {
            if (head != expectedHead) {
                refresh();
            }
            if (head != expectedHead) {
                throw conflict(expectedHead);
            }
            if (records.isEmpty()) {
                return head;
            }
            long first = expectedHead + 1;
            String key = batchKey(first);
            if (s3.putIfAbsent(key, body, TYPE) == Create.EXISTS && !isOurs(key, body)) {
                refresh();
                throw conflict(expectedHead);
            }
            if (latestFloor() >= first || legacyCheckpoint() >= first) {
                // The key had been dropped and this writer was stale: withdraw the batch.
                s3.delete(key);
                refresh();
                throw conflict(expectedHead);
            }
            batches.put(first, records.size());
            head = first + records.size() - 1;
            return head;
        }
    }

    /** After a 412, whether the object is this very batch: a retried request whose first answer was lost. */
    private boolean isOurs(String key, byte[] body) {
        Optional<byte[]> found = s3.head(key, HEADER_BYTES);
        if (found.isEmpty()) {
            return false;
        }
        int nl = indexOf(body, 0);
        byte[] stored = found.get();
        int storedNl = indexOf(stored, 0);
        return storedNl == nl && Arrays.equals(body, 0, nl, stored, 0, nl);
    }

    private LogConflictException conflict(long expectedHead) {
        return new LogConflictException("the event log " + describe() + " is at position " + head + ", not "
                + expectedHead + ": another writer appended first");
    }

    private static byte[] encodeBatch(long first, List<byte[]> records, String batchId) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] header = (BATCH_MAGIC + " " + first + " " + records.size() + " " + batchId + "\n")
                .getBytes(StandardCharsets.UTF_8);
        out.writeBytes(header);
        for (int i = 0; i < records.size(); i++) {
            byte[] r = records.get(i);
            if (indexOf(r, 0) >= 0) {
                throw new IllegalArgumentException("record " + (i + 1) + " of the batch contains a newline");
            }
            out.writeBytes(r);
            out.write('\n');
        }
        return out.toByteArray();
    }

    // ------------------------------------------------------------------ read

    @Override
    public void read(long afterPosition, RecordVisitor visitor) {
        List<Long> firsts;
        long dropped;
        long checkpoint;
        synchronized (monitor) {
            refresh();
            checkpoint = legacyCheckpoint();
            dropped = Math.max(floor, checkpoint);
            if (coveredFrom > afterPosition + 1) {
                remember(s3.list(logPrefix, null, null).keys());
                coveredFrom = 0;
            }
            Long from = batches.floorKey(Math.max(afterPosition, checkpoint) + 1);
            firsts = new ArrayList<>(batches.tailMap(from == null ? 0 : from, true).keySet());
        }
        if (checkpoint > afterPosition) {
            String key = legacyPrefix + pad(checkpoint);
            byte[] body = s3.get(key).orElseThrow(() -> droppedWhileReading(key));
            if (!visitor.visit(checkpoint, legacyRecord(key, body))) {
                return;
            }
        }
        readBatches(firsts, Math.max(afterPosition, checkpoint), dropped, visitor);
    }

    /** Fetches the batches a bounded window ahead and hands their records over in order. */
    private void readBatches(List<Long> firsts, long after, long dropped, RecordVisitor visitor) {
        Deque<Future<Optional<byte[]>>> window = new ArrayDeque<>();
        int next = 0;
        long expected = -1;
        long floorSeen = dropped;
        try {
            for (int i = 0; i < firsts.size(); i++) {
                while (next < firsts.size() && window.size() < s3.parallelism()) {
                    String key = batchKey(firsts.get(next++));
                    window.add(s3.submit(() -> s3.get(key)));
                }
                long first = firsts.get(i);
                String key = batchKey(first);
                Optional<byte[]> body = S3Objects.await(window.poll());
                if (body.isEmpty()) {
                    long now = latestFloor();
                    if (expected < 0 && first < now) {
                        floorSeen = Math.max(floorSeen, now);
                        continue; // dropped since the listing, before anything was visited: wholly below the floor
                    }
                    throw droppedWhileReading(key);
                }
                Header h = parseHeader(key, body.get(), first);
                // The first batch read may start anywhere up to the floor: what was below it is gone.
                long wanted = expected >= 0 ? expected : first <= Math.max(after + 1, floorSeen) ? first : after + 1;
                if (first != wanted) {
                    throw new StateCorruptedException(s3.url(key), "the log has a gap: expected a batch at position "
                            + wanted + ", found one at " + first);
                }
                expected = first + h.count;
                if (!visitBatch(key, body.get(), h, after, visitor)) {
                    return;
                }
            }
        } finally {
            window.forEach(f -> f.cancel(true));
        }
    }

    private boolean visitBatch(String key, byte[] body, Header h, long after, RecordVisitor visitor) {
        int at = h.length;
        for (int i = 0; i < h.count; i++) {
            int nl = indexOf(body, at);
            if (nl < 0) {
                throw new StateCorruptedException(s3.url(key), "batch holds " + i + " records, its header says " + h.count);
            }
            long position = h.first + i;
            if (position > after && !visitor.visit(position, Arrays.copyOfRange(body, at, nl))) {
                return false;
            }
            at = nl + 1;
        }
        if (at != body.length) {
            throw new StateCorruptedException(s3.url(key), "batch holds more than the " + h.count
                    + " records its header says");
        }
        return true;
    }

    private StoreException droppedWhileReading(String key) {
        return new StoreException("the event log " + describe() + " was compacted while being read ("
                + s3.url(key) + " is gone): read it again");
    }

    // ------------------------------------------------------------------ dropping

    private long legacyCheckpoint() {
        if (legacy < 0) {
            legacy = listLegacyCheckpoint();
        }
        return legacy;
    }

    private long listLegacyCheckpoint() {
        List<String> keys = s3.list(legacyPrefix, null, null).keys();
        return keys.isEmpty() ? 0 : positionOf(keys.get(keys.size() - 1), legacyPrefix);
    }

    private byte[] legacyRecord(String key, byte[] body) {
        int nl = indexOf(body, 0);
        if (nl < 0 || !new String(body, 0, nl, StandardCharsets.UTF_8).equals(LEGACY_MAGIC)
                || body.length == nl + 1 || body[body.length - 1] != '\n') {
            throw new StateCorruptedException(s3.url(key), "not an alchemy-java checkpoint");
        }
        return Arrays.copyOfRange(body, nl + 1, body.length - 1);
    }

    private long latestFloor() {
        List<String> keys = s3.list(floorPrefix, null, null).keys();
        return keys.isEmpty() ? 0 : positionOf(keys.get(keys.size() - 1), floorPrefix);
    }

    @Override
    public void dropBelow(long position) {
        synchronized (monitor) {
            refresh();
            if (position > head) {
                throw new IllegalArgumentException("cannot drop below " + position + " in " + describe()
                        + ": its head is " + head);
            }
            if (position <= 1 || position <= Math.max(floor, legacyCheckpoint())) {
                return; // nothing below, or dropped this far already
            }
            s3.putIfAbsent(floorPrefix + pad(position), new byte[0], TYPE);
            // Only now that the floor stands may what lies below it go.
            List<String> present = s3.list(logPrefix, null, null).keys();
            batches.keySet().retainAll(present.stream().map(k -> positionOf(k, logPrefix)).toList());
            remember(present);
            coveredFrom = 0;
            List<String> doomed = new ArrayList<>(s3.list(floorPrefix, null, null).keys());
            doomed.addAll(s3.list(legacyPrefix, null, null).keys()); // below the new floor: superseded
            doomed.remove(floorPrefix + pad(position));
            List<Long> firsts = new ArrayList<>(batches.keySet());
            for (int i = 0; i + 1 < firsts.size(); i++) {
                if (firsts.get(i + 1) <= position) { // the next batch starts at or below: this one ends below
                    doomed.add(batchKey(firsts.get(i)));
                    batches.remove(firsts.get(i));
                }
            }
            s3.deleteAll(doomed);
            floor = position;
            legacy = 0;
        }
    }

    // ------------------------------------------------------------------ control objects

    private String controlKey(String name) {
        LogStore.checkName(name);
        String first = name.split("/", 2)[0];
        if (first.equals("log") || first.equals("floor") || first.equals("checkpoint")) {
            throw new IllegalArgumentException("control object name \"" + name + "\" is reserved for the log itself");
        }
        return root + name;
    }

    @Override
    public Optional<Control> control(String name) {
        return s3.getWithETag(controlKey(name)).map(f -> new Control(name, f.bytes(), f.etag()));
    }

    @Override
    public boolean createControl(String name, byte[] bytes) {
        return s3.putIfAbsent(controlKey(name), bytes, TYPE) == Create.CREATED;
    }

    @Override
    public void putControl(String name, byte[] bytes) {
        s3.put(controlKey(name), bytes, TYPE);
    }

    @Override
    public void deleteControl(String name) {
        s3.delete(controlKey(name));
    }

    /**
     * The default's reads, with the control objects read at once rather than one after another: an
     * open waits for two round trips of them (the listing, then the reads) and the head's, not one
     * per object. The head is still read after every object, as the contract asks.
     */
    @Override
    public View view(String prefix) {
        List<Future<Optional<Control>>> reads = new ArrayList<>();
        try {
            for (String name : controls(prefix)) {
                reads.add(s3.submit(() -> control(name)));
            }
            Map<String, Control> controls = new TreeMap<>();
            for (Future<Optional<Control>> read : reads) {
                S3Objects.await(read).ifPresent(c -> controls.put(c.name(), c));
            }
            return new View(head(), controls);
        } finally {
            reads.forEach(f -> f.cancel(true));
        }
    }

    /** One listing under the prefix; keys of the log itself and foreign names are left out. */
    @Override
    public List<String> controls(String prefix) {
        List<String> names = new ArrayList<>();
        for (String key : s3.list(root + prefix, null, null).keys()) {
            String name = key.substring(root.length());
            try {
                controlKey(name);
                names.add(name);
            } catch (IllegalArgumentException notOurs) {
                // a batch, a floor, or an object no store of ours wrote
            }
        }
        return names;
    }

    @Override
    public String describe() {
        return s3.url(root);
    }
}
