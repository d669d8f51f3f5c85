package run.alchemy.store.s3.internal;

import run.alchemy.api.StateCorruptedException;
import run.alchemy.api.StoreException;
import run.alchemy.api.spi.EventLog;
import run.alchemy.api.spi.LockHolder;
import run.alchemy.api.spi.LogConflictException;
import run.alchemy.store.s3.internal.S3Objects.Create;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.Future;

/**
 * A stage's event log in S3, under {@code <prefix>.alchemy-java/<app>/<stage>/}, made only of
 * create-only writes ({@code If-None-Match: *}), the one conditional write S3 makes atomic:
 *
 * <ul>
 *   <li>{@code log/<first position, 20 digits>}: one object per appended batch, a header line
 *       and one record per line. A batch's key is its first position, so two writers appending
 *       at the same head race for the same key and exactly one wins; the loser gets 412 and a
 *       {@link LogConflictException}.</li>
 *   <li>{@code checkpoint/<position>}: what compaction leaves in place of the records up to the
 *       position. It is written before the batches it replaces are deleted, so an append that
 *       re-creates a deleted key finds it and withdraws.</li>
 *   <li>{@code lock/<generation>}: the stage lease as a chain of create-only generations: taking,
 *       renewing and releasing each create the next one, so two takers of an expired lease cannot
 *       both win, and nothing relies on {@code If-Match}.</li>
 *   <li>{@code projected} (the projection mark, plus the last batch key as a hint so that a new
 *       reader lists only from there) and {@code index} (the engine's cache): plain overwrites.</li>
 * </ul>
 *
 * The head is found by listing from the last batch key this instance knows (or the hint), never
 * the whole log each time; reads fetch batches in parallel, a bounded window ahead, and deliver
 * them in order.
 */
public final class S3EventLog implements EventLog {
    private static final String BATCH_MAGIC = "alchemy-java-batch 1";
    private static final String CHECKPOINT_MAGIC = "alchemy-java-checkpoint 1";
    private static final String LEASE_MAGIC = "alchemy-java-lease 1";
    private static final String TYPE = "application/x-alchemy-java-log";
    private static final int HEADER_BYTES = 160;
    private static final int LOCK_ATTEMPTS = 20;
    private static final int STALE_GENERATIONS = 8;

    private final S3Objects s3;
    private final String root;
    private final String logPrefix;
    private final String checkpointPrefix;
    private final String lockPrefix;
    private final String projectedKey;
    private final String indexKey;

    private final Object monitor = new Object();
    /** Batches seen: first position → record count (0: not read yet). Complete from {@link #coveredFrom} on. */
    private final TreeMap<Long, Integer> batches = new TreeMap<>();
    private long coveredFrom = Long.MAX_VALUE;
    private long head = -1;
    /** The newest checkpoint's position as of the last refresh; 0 when there is none. */
    private long checkpoint;

    public S3EventLog(S3Objects s3, String root) {
        this.s3 = s3;
        this.root = root;
        this.logPrefix = root + "log/";
        this.checkpointPrefix = root + "checkpoint/";
        this.lockPrefix = root + "lock/";
        this.projectedKey = root + "projected";
        this.indexKey = root + "index";
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
            listFromHintOrStart();
        } else {
            remember(s3.list(logPrefix, null, batchKey(batches.lastKey())).keys());
        }
        long top = 0;
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
        checkpoint = latestCheckpoint();
        head = Math.max(top, checkpoint);
    }

    private void listFromHintOrStart() {
        long hint = readMark().hint();
        if (hint > 0) {
            List<String> keys = s3.list(logPrefix, null, batchKey(hint - 1)).keys();
            if (!keys.isEmpty() && keys.get(0).equals(batchKey(hint))) {
                remember(keys);
                coveredFrom = hint;
                return;
            }
        }
        remember(s3.list(logPrefix, null, null).keys());
        coveredFrom = 0;
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
            if (latestCheckpoint() >= first) {
                // The key had been compacted away and this writer was stale: withdraw the batch.
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
                + expectedHead + ": another writer appended or compacted first");
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
        long compactedTo;
        List<Long> firsts;
        synchronized (monitor) {
            refresh();
            compactedTo = checkpoint;
            long start = Math.max(afterPosition, compactedTo);
            if (coveredFrom > start + 1) {
                remember(s3.list(logPrefix, null, null).keys());
                coveredFrom = 0;
            }
            Long from = batches.floorKey(start + 1);
            firsts = new ArrayList<>(batches.tailMap(from == null ? 0 : from, true).keySet());
        }
        if (compactedTo > afterPosition) {
            String key = checkpointPrefix + pad(compactedTo);
            byte[] body = s3.get(key).orElseThrow(() -> compactedWhileReading(key));
            if (!visitor.visit(compactedTo, checkpointRecord(key, body))) {
                return;
            }
        }
        readBatches(firsts, Math.max(afterPosition, compactedTo), compactedTo, visitor);
    }

    /** Fetches the batches a bounded window ahead and hands their records over in order. */
    private void readBatches(List<Long> firsts, long after, long checkpoint, RecordVisitor visitor) {
        Deque<Future<Optional<byte[]>>> window = new ArrayDeque<>();
        int next = 0;
        long expected = -1;
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
                    if (i + 1 < firsts.size() && firsts.get(i + 1) - 1 <= checkpoint) {
                        continue; // a compacted batch, deleted since the listing
                    }
                    throw compactedWhileReading(key);
                }
                Header h = parseHeader(key, body.get(), first);
                long last = first + h.count - 1;
                if (last <= checkpoint) {
                    continue; // left over from a compaction interrupted before deleting it
                }
                long wanted = expected >= 0 ? expected : Math.min(first, after + 1);
                if (first != wanted) {
                    throw new StateCorruptedException(s3.url(key), "the log has a gap: expected a batch at position "
                            + wanted + ", found one at " + first);
                }
                expected = last + 1;
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

    private StoreException compactedWhileReading(String key) {
        return new StoreException("the event log " + describe() + " was compacted while being read ("
                + s3.url(key) + " is gone): read it again");
    }

    // ------------------------------------------------------------------ compaction

    private long latestCheckpoint() {
        List<String> keys = s3.list(checkpointPrefix, null, null).keys();
        return keys.isEmpty() ? 0 : positionOf(keys.get(keys.size() - 1), checkpointPrefix);
    }

    private byte[] checkpointRecord(String key, byte[] body) {
        int nl = indexOf(body, 0);
        if (nl < 0 || !new String(body, 0, nl, StandardCharsets.UTF_8).equals(CHECKPOINT_MAGIC)
                || body.length == nl + 1 || body[body.length - 1] != '\n') {
            throw new StateCorruptedException(s3.url(key), "not an alchemy-java checkpoint");
        }
        return Arrays.copyOfRange(body, nl + 1, body.length - 1);
    }

    @Override
    public void compact(long upTo, byte[] checkpoint) {
        if (indexOf(checkpoint, 0) >= 0) {
            throw new IllegalArgumentException("the checkpoint contains a newline");
        }
        synchronized (monitor) {
            refresh();
            if (upTo > head) {
                throw new IllegalArgumentException("cannot compact " + describe() + " up to " + upTo
                        + ": its head is " + head);
            }
            List<String> oldCheckpoints = s3.list(checkpointPrefix, null, null).keys();
            if (!oldCheckpoints.isEmpty()
                    && positionOf(oldCheckpoints.get(oldCheckpoints.size() - 1), checkpointPrefix) >= upTo) {
                return; // compacted this far already
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.writeBytes((CHECKPOINT_MAGIC + "\n").getBytes(StandardCharsets.UTF_8));
            out.writeBytes(checkpoint);
            out.write('\n');
            s3.putIfAbsent(checkpointPrefix + pad(upTo), out.toByteArray(), TYPE);
            // Only now that the checkpoint stands may what it replaces go.
            List<String> present = s3.list(logPrefix, null, null).keys();
            batches.keySet().retainAll(present.stream().map(k -> positionOf(k, logPrefix)).toList());
            remember(present);
            coveredFrom = 0;
            List<String> doomed = new ArrayList<>(oldCheckpoints);
            List<Long> firsts = new ArrayList<>(batches.keySet());
            for (int i = 0; i < firsts.size(); i++) {
                long last = i + 1 < firsts.size() ? firsts.get(i + 1) - 1 : head;
                if (last <= upTo) {
                    doomed.add(batchKey(firsts.get(i)));
                    batches.remove(firsts.get(i));
                }
            }
            s3.deleteAll(doomed);
        }
    }

    // ------------------------------------------------------------------ projection mark and index

    private record Mark(long projected, long hint) {
    }

    private Mark readMark() {
        Optional<byte[]> bytes = s3.get(projectedKey);
        if (bytes.isEmpty()) {
            return new Mark(0, 0);
        }
        String[] lines = new String(bytes.get(), StandardCharsets.UTF_8).split("\n");
        try {
            return new Mark(Long.parseLong(lines[0].trim()), lines.length > 1 ? Long.parseLong(lines[1].trim()) : 0);
        } catch (NumberFormatException e) {
            throw new StateCorruptedException(s3.url(projectedKey), "not a projection mark");
        }
    }

    @Override
    public long projected() {
        return readMark().projected();
    }

    @Override
    public void markProjected(long position) {
        long hint;
        synchronized (monitor) {
            hint = batches.isEmpty() ? 0 : batches.lastKey();
        }
        s3.put(projectedKey, (position + "\n" + hint + "\n").getBytes(StandardCharsets.UTF_8), "text/plain");
    }

    @Override
    public Optional<byte[]> readIndex() {
        return s3.get(indexKey);
    }

    @Override
    public void writeIndex(byte[] index) {
        s3.put(indexKey, index, TYPE);
    }

    // ------------------------------------------------------------------ lease

    /** One generation of the lease chain: held by someone until a time, or released. */
    private record Lease(long generation, LockHolder holder) {
        boolean held() {
            return holder != null;
        }

        boolean heldBy(String lockId) {
            return holder != null && holder.lockId().equals(lockId);
        }
    }

    /** The newest generation, or empty when the lock was never taken. */
    private Optional<Lease> top(List<String> keysOut) {
        for (int attempt = 1; ; attempt++) {
            List<String> keys = s3.list(lockPrefix, null, null).keys();
            keysOut.clear();
            keysOut.addAll(keys);
            if (keys.isEmpty()) {
                return Optional.empty();
            }
            String key = keys.get(keys.size() - 1);
            Optional<byte[]> body = s3.get(key);
            if (body.isPresent()) {
                return Optional.of(new Lease(positionOf(key, lockPrefix), decodeLease(key, body.get())));
            }
            if (attempt == LOCK_ATTEMPTS) {
                throw new StoreException("the lock of " + describe() + " keeps vanishing while being read");
            }
        }
    }

    /**
     * Creates the next generation; false when another writer created it first. Only the newest
     * generation decides anything: a release that finds {@value #STALE_GENERATIONS} or more older
     * ones (a few runs' worth, or one long run's renewals) deletes them, so that a run usually
     * costs two writes (take and release) and the chain stays short to list.
     */
    private boolean advance(Lease from, List<String> keys, LockHolder next) {
        long generation = from == null ? 1 : from.generation + 1;
        if (s3.putIfAbsent(lockPrefix + pad(generation), encodeLease(next), TYPE) != Create.CREATED) {
            return false;
        }
        if (next == null) {
            List<String> superseded = new ArrayList<>();
            for (String k : keys) {
                if (positionOf(k, lockPrefix) < generation - 1) {
                    superseded.add(k);
                }
            }
            if (superseded.size() >= STALE_GENERATIONS) {
                s3.deleteAll(superseded);
            }
        }
        return true;
    }

    @Override
    public Optional<LockHolder> tryLock(LockHolder me, Duration lease) {
        List<String> keys = new ArrayList<>();
        for (int attempt = 1; attempt <= LOCK_ATTEMPTS; attempt++) {
            Lease top = top(keys).orElse(null);
            if (top != null && top.held() && !top.heldBy(me.lockId()) && !top.holder().expired()
                    && !top.holder().goneFromThisHost()) {
                return Optional.of(top.holder());
            }
            if (advance(top, keys, me.renewedUntil(Instant.now().plus(lease)))) {
                return Optional.empty();
            }
            Backoff.sleep(attempt);
        }
        throw new LogConflictException("could not take the lock of " + describe() + ": too much contention");
    }

    @Override
    public void renew(LockHolder me, Duration lease) {
        List<String> keys = new ArrayList<>();
        for (int attempt = 1; attempt <= LOCK_ATTEMPTS; attempt++) {
            Lease top = top(keys).orElse(null);
            if (top == null || !top.heldBy(me.lockId())) {
                throw new LogConflictException("the lock of " + describe() + " is no longer held by lock id "
                        + me.lockId() + (top != null && top.held() ? "; holder: " + top.holder().describe() : ""));
            }
            if (advance(top, keys, top.holder().renewedUntil(Instant.now().plus(lease)))) {
                return;
            }
        }
        throw new LogConflictException("could not renew the lock of " + describe() + ": too much contention");
    }

    @Override
    public boolean unlock(String lockId) {
        List<String> keys = new ArrayList<>();
        for (int attempt = 1; attempt <= LOCK_ATTEMPTS; attempt++) {
            Lease top = top(keys).orElse(null);
            if (top == null || !top.heldBy(lockId)) {
                return false;
            }
            if (advance(top, keys, null)) {
                return true;
            }
        }
        throw new LogConflictException("could not release the lock of " + describe() + ": too much contention");
    }

    @Override
    public Optional<LockHolder> holder() {
        return top(new ArrayList<>()).map(Lease::holder);
    }

    private static byte[] encodeLease(LockHolder h) {
        Properties p = h == null ? new Properties() : h.toProperties();
        p.setProperty("state", h == null ? "free" : "held");
        StringWriter out = new StringWriter().append(LEASE_MAGIC).append('\n');
        try {
            p.store(out, null);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    private LockHolder decodeLease(String key, byte[] body) {
        String text = new String(body, StandardCharsets.UTF_8);
        if (!text.startsWith(LEASE_MAGIC + "\n")) {
            throw new StateCorruptedException(s3.url(key), "not an alchemy-java lease");
        }
        Properties p = new Properties();
        try {
            p.load(new StringReader(text.substring(LEASE_MAGIC.length() + 1)));
            if ("free".equals(p.getProperty("state"))) {
                return null;
            }
            return LockHolder.fromProperties(p);
        } catch (IOException | RuntimeException e) {
            throw new StateCorruptedException(s3.url(key), "unreadable lease: " + e.getMessage());
        }
    }

    @Override
    public String describe() {
        return s3.url(root);
    }
}
