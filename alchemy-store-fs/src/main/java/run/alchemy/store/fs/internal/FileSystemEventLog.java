package run.alchemy.store.fs.internal;

import run.alchemy.api.StateCorruptedException;
import run.alchemy.api.StoreException;
import run.alchemy.api.spi.EventLog;
import run.alchemy.api.spi.LockHolder;
import run.alchemy.api.spi.LogConflictException;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.zip.CRC32C;

/**
 * The event log of one stage in {@code <root>/.alchemy-java/<app>/<stage>/}, where Alchemy never
 * looks (it only reads {@code <root>/<app>/…}). Segments {@code log/<first position>.seg} hold one
 * record a line: {@code <crc32c> <position> <record>\n}, the checksum covering position and
 * record. Appends take an OS file lock (so several processes serialise), check the head, write the
 * whole batch and fsync once. A torn last line (a crash mid-write) is cut off when the log is
 * opened; a bad checksum anywhere else is corruption and reported with its file and line.
 */
public final class FileSystemEventLog implements EventLog {
    private static final long SEGMENT_BYTES = 64L << 20;
    private static final String SEGMENT_SUFFIX = ".seg";
    /**
     * OS file locks are held per JVM (a second lock from the same JVM throws
     * OverlappingFileLockException), so instances on the same directory in one JVM take this first.
     */
    private static final ConcurrentHashMap<Path, ReentrantLock> IN_JVM_LOCKS = new ConcurrentHashMap<>();

    private final Path dir;
    private final Path segments;
    private final Path appendLockFile;
    private final Path leaseFile;
    private final Path projectedFile;
    private final Object monitor = new Object();
    private final ReentrantLock inJvmLock;
    private long head;
    private Path tailSegment;
    private long tailSize;

    public FileSystemEventLog(Path dir) {
        this.dir = dir;
        this.segments = dir.resolve("log");
        this.appendLockFile = dir.resolve("append.lock");
        this.leaseFile = dir.resolve("lock.properties");
        this.projectedFile = dir.resolve("projected");
        try {
            Files.createDirectories(segments);
            inJvmLock = IN_JVM_LOCKS.computeIfAbsent(dir.toRealPath().resolve("append.lock"),
                    k -> new ReentrantLock());
            withAppendLock(() -> {
                repairTail();
                return null;
            });
        } catch (IOException e) {
            throw new StoreException("cannot open the event log in " + dir + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String describe() {
        return dir.toString();
    }

    @Override
    public long head() {
        synchronized (monitor) {
            try {
                return withAppendLock(() -> {
                    refreshHead();
                    return head;
                });
            } catch (IOException e) {
                throw failure("read the head of", e);
            }
        }
    }

    @Override
    public long append(long expectedHead, List<byte[]> records) {
        if (records.isEmpty()) {
            return expectedHead;
        }
        synchronized (monitor) {
            try {
                return withAppendLock(() -> {
                    refreshHead();
                    if (head != expectedHead) {
                        throw new LogConflictException("the event log " + dir + " is at position " + head
                                + ", not " + expectedHead + ": another run appended first");
                    }
                    ByteArrayOutputStream batch = new ByteArrayOutputStream();
                    long position = head;
                    for (byte[] record : records) {
                        writeLine(batch, ++position, record);
                    }
                    Path segment = tailSegment == null || tailSize >= SEGMENT_BYTES ? segmentFor(head + 1) : tailSegment;
                    try (FileChannel ch = FileChannel.open(segment, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                            StandardOpenOption.APPEND)) {
                        ByteBuffer buf = ByteBuffer.wrap(batch.toByteArray());
                        while (buf.hasRemaining()) {
                            ch.write(buf);
                        }
                        ch.force(false);
                    }
                    if (!segment.equals(tailSegment)) {
                        syncDirectory(segments);
                    }
                    tailSegment = segment;
                    tailSize = Files.size(segment);
                    head = position;
                    return head;
                });
            } catch (IOException e) {
                throw failure("append to", e);
            }
        }
    }

    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    private static void writeLine(OutputStream out, long position, byte[] record) throws IOException {
        for (byte b : record) {
            if (b == '\n' || b == '\r') {
                throw new IllegalArgumentException("a log record must be one line");
            }
        }
        byte[] pos = (position + " ").getBytes(StandardCharsets.US_ASCII);
        CRC32C crc = new CRC32C();
        crc.update(pos);
        crc.update(record);
        long value = crc.getValue();
        byte[] head = new byte[9];
        for (int i = 7; i >= 0; i--) {
            head[i] = HEX[(int) (value & 0xf)];
            value >>>= 4;
        }
        head[8] = ' ';
        out.write(head);
        out.write(pos);
        out.write(record);
        out.write('\n');
    }

    @Override
    public void read(long afterPosition, RecordVisitor visitor) {
        List<Path> all = segmentFiles();
        for (int i = 0; i < all.size(); i++) {
            if (i + 1 < all.size() && firstPosition(all.get(i + 1)) <= afterPosition + 1) {
                continue;
            }
            if (!scan(all.get(i), (pos, record, end) -> pos <= afterPosition || visitor.visit(pos, record))) {
                return;
            }
        }
    }

    private interface LineVisitor {
        boolean line(long position, byte[] record, long endOffset);
    }

    /** Reads a segment's complete, checksummed lines; returns false when the visitor stopped. */
    private boolean scan(Path segment, LineVisitor visitor) {
        try (InputStream in = Files.newInputStream(segment)) {
            byte[] buf = new byte[1 << 20];
            int filled = 0;
            long consumed = 0; // file offset of buf[0]
            long lineNo = 0;
            while (true) {
                int n = in.read(buf, filled, buf.length - filled);
                if (n < 0) {
                    return true; // a trailing partial line is a torn tail: never visited
                }
                filled += n;
                int start = 0;
                for (int i = 0; i < filled; i++) {
                    if (buf[i] != '\n') {
                        continue;
                    }
                    lineNo++;
                    Parsed p = parse(buf, start, i);
                    if (p == null) {
                        throw new StateCorruptedException(segment + ":" + lineNo, "event log record fails its checksum");
                    }
                    if (!visitor.line(p.position, p.record, consumed + i + 1)) {
                        return false;
                    }
                    start = i + 1;
                }
                System.arraycopy(buf, start, buf, 0, filled - start);
                consumed += start;
                filled -= start;
                if (filled == buf.length) {
                    buf = Arrays.copyOf(buf, buf.length * 2); // a line longer than the buffer
                }
            }
        } catch (NoSuchFileException e) {
            return true; // compacted away meanwhile
        } catch (IOException e) {
            throw failure("read", e);
        }
    }

    private record Parsed(long position, byte[] record) {
    }

    /** The line {@code buf[from, to)} without its newline, or null if malformed or its checksum fails. */
    private static Parsed parse(byte[] buf, int from, int to) {
        if (to - from < 11 || buf[from + 8] != ' ') {
            return null;
        }
        long crc = 0;
        for (int i = from; i < from + 8; i++) {
            int d = Character.digit(buf[i], 16);
            if (d < 0) {
                return null;
            }
            crc = (crc << 4) | d;
        }
        long position = 0;
        int i = from + 9;
        for (; i < to && buf[i] != ' '; i++) {
            int d = buf[i] - '0';
            if (d < 0 || d > 9 || i - from > 9 + 18) {
                return null;
            }
            position = position * 10 + d;
        }
        if (i >= to || i == from + 9) {
            return null;
        }
        CRC32C check = new CRC32C();
        check.update(buf, from + 9, to - from - 9);
        if (check.getValue() != crc) {
            return null;
        }
        return new Parsed(position, Arrays.copyOfRange(buf, i + 1, to));
    }

    private static int indexOf(byte[] a, byte b, int from) {
        for (int i = from; i < a.length; i++) {
            if (a[i] == b) {
                return i;
            }
        }
        return -1;
    }

    /** Cuts a torn or unchecksummed last line of the last segment (a crash during an append). */
    private void repairTail() throws IOException {
        List<Path> all = segmentFiles();
        head = 0;
        tailSegment = null;
        tailSize = 0;
        if (all.isEmpty()) {
            return;
        }
        Path last = all.get(all.size() - 1);
        // Only the end of a segment can be torn: read its last window, not all of its many MiB.
        long size = Files.size(last);
        long[] result = size > TAIL_WINDOW ? checkTail(last, window(last, size - TAIL_WINDOW, size), size - TAIL_WINDOW)
                : null;
        if (result == null) {
            result = checkTail(last, Files.readAllBytes(last), 0);
        }
        long good = result[0];
        long lastPosition = result[1] < 0 ? firstPosition(last) - 1 : result[1];
        if (good < size) {
            try (FileChannel ch = FileChannel.open(last, StandardOpenOption.WRITE)) {
                ch.truncate(good);
                ch.force(true);
            }
        }
        if (good == 0 && all.size() > 1) {
            Files.delete(last);
            repairTail();
            return;
        }
        head = Math.max(lastPosition, 0);
        tailSegment = last;
        tailSize = good;
    }

    private static byte[] window(Path segment, long from, long to) throws IOException {
        try (FileChannel ch = FileChannel.open(segment, StandardOpenOption.READ)) {
            ByteBuffer buf = ByteBuffer.allocate((int) (to - from));
            while (buf.hasRemaining() && ch.read(buf, from + buf.position()) >= 0) {
                // until the window is full
            }
            return buf.array();
        }
    }

    /**
     * Checks the lines of {@code content} (which starts at file offset {@code base}): returns the
     * offset after the last good line and that line's position (-1: none), or null when a window
     * holds no good complete line (then the whole segment must be read).
     */
    private static long[] checkTail(Path segment, byte[] content, long base) {
        int start = 0;
        if (base > 0) {
            start = indexOf(content, (byte) '\n', 0) + 1; // the window may begin mid-line
            if (start == 0) {
                return null;
            }
        }
        long good = base + start;
        long lastPosition = -1;
        for (int i = start; i < content.length; i++) {
            if (content[i] != '\n') {
                continue;
            }
            Parsed p = parse(content, start, i);
            if (p == null) {
                if (indexOf(content, (byte) '\n', i + 1) >= 0) {
                    // Complete lines follow: not a torn last write but corruption; cutting would lose them.
                    String where = base == 0 ? ":" + (1 + count(content, start)) : " at byte " + (base + start);
                    throw new StateCorruptedException(segment + where, "event log record fails its checksum");
                }
                break;
            }
            lastPosition = p.position;
            good = base + i + 1;
            start = i + 1;
        }
        return base > 0 && lastPosition < 0 ? null : new long[] {good, lastPosition};
    }

    private static final int TAIL_WINDOW = 1 << 20;

    private static long count(byte[] a, int upTo) {
        long n = 0;
        for (int i = 0; i < upTo; i++) {
            if (a[i] == '\n') {
                n++;
            }
        }
        return n;
    }


    /** Brings the cached head up to date with appends by other processes (under the append lock). */
    private void refreshHead() throws IOException {
        List<Path> all = segmentFiles();
        if (all.isEmpty()) {
            head = 0;
            tailSegment = null;
            tailSize = 0;
            return;
        }
        Path last = all.get(all.size() - 1);
        long size = Files.size(last);
        if (last.equals(tailSegment) && size == tailSize) {
            return;
        }
        // Also cuts a torn tail left by a writer that died since: under the append lock no live
        // writer is mid-line, and appending after half a line would glue the next record to it.
        repairTail();
    }

    private List<Path> segmentFiles() {
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> s = Files.newDirectoryStream(segments, "*" + SEGMENT_SUFFIX)) {
            s.forEach(files::add);
        } catch (NoSuchFileException e) {
            return files;
        } catch (IOException e) {
            throw failure("list", e);
        }
        files.sort(null); // names are zero-padded positions
        return files;
    }

    private Path segmentFor(long firstPosition) {
        return segments.resolve(String.format("%020d%s", firstPosition, SEGMENT_SUFFIX));
    }

    private static long firstPosition(Path segment) {
        String name = segment.getFileName().toString();
        return Long.parseLong(name.substring(0, name.length() - SEGMENT_SUFFIX.length()));
    }

    private interface LockedAction<T> {
        T run() throws IOException;
    }

    private <T> T withAppendLock(LockedAction<T> action) throws IOException {
        inJvmLock.lock();
        try (FileChannel ch = FileChannel.open(appendLockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock lock = ch.lock()) {
            return action.run();
        } finally {
            inJvmLock.unlock();
        }
    }

    // ---------------------------------------------------------------- projection marker

    @Override
    public long projected() {
        try {
            return Long.parseLong(Files.readString(projectedFile).trim());
        } catch (NoSuchFileException e) {
            return 0;
        } catch (IOException | NumberFormatException e) {
            return 0; // an unreadable marker only costs a full re-projection
        }
    }

    @Override
    public void markProjected(long position) {
        try {
            Path temp = dir.resolve("projected." + UUID.randomUUID() + ".tmp");
            Files.writeString(temp, Long.toString(position));
            Files.move(temp, projectedFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw failure("mark the projection of", e);
        }
    }

    // ---------------------------------------------------------------- index cache

    @Override
    public Optional<byte[]> readIndex() {
        try {
            return Optional.of(Files.readAllBytes(dir.resolve("index")));
        } catch (IOException e) {
            return Optional.empty(); // missing or unreadable: the engine reads the log instead
        }
    }

    @Override
    public void writeIndex(byte[] index) {
        try {
            Path temp = dir.resolve("index." + UUID.randomUUID() + ".tmp");
            Files.write(temp, index);
            Files.move(temp, dir.resolve("index"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw failure("write the index of", e);
        }
    }

    // ---------------------------------------------------------------- lease

    @Override
    public Optional<LockHolder> tryLock(LockHolder me, Duration lease) {
        LockHolder wanted = me.renewedUntil(Instant.now().plus(lease));
        for (int attempt = 0; attempt < 5; attempt++) {
            try {
                try {
                    writeLease(wanted, true);
                    return Optional.empty();
                } catch (FileAlreadyExistsException taken) {
                    Optional<LockHolder> current = holder();
                    if (current.isEmpty()) {
                        continue; // released meanwhile
                    }
                    LockHolder h = current.get();
                    if (h.lockId().equals(me.lockId())) {
                        renew(me, lease);
                        return Optional.empty();
                    }
                    if (!h.expired() && !h.goneFromThisHost()) {
                        return current;
                    }
                    takeOver(h);
                }
            } catch (IOException e) {
                throw failure("lock", e);
            }
        }
        return holder();
    }

    /** Moves a stale lease aside atomically, so that of two takers only one removes it. */
    private void takeOver(LockHolder stale) throws IOException {
        Path aside = dir.resolve("lock.stale-" + UUID.randomUUID());
        try {
            Files.move(leaseFile, aside, StandardCopyOption.ATOMIC_MOVE);
        } catch (NoSuchFileException gone) {
            return;
        }
        LockHolder moved = readLease(aside).orElse(null);
        if (moved != null && !moved.lockId().equals(stale.lockId())) {
            // Someone took it over in between: put their fresh lease back.
            try {
                Files.move(aside, leaseFile, StandardCopyOption.ATOMIC_MOVE);
                return;
            } catch (FileAlreadyExistsException | AtomicMoveNotSupportedException ignored) {
                // a third lease exists; theirs is lost, but fencing by log position keeps the log safe
            }
        }
        Files.deleteIfExists(aside);
    }

    @Override
    public void renew(LockHolder me, Duration lease) {
        Optional<LockHolder> current = holder();
        if (current.isEmpty() || !current.get().lockId().equals(me.lockId())) {
            throw new LogConflictException("the lock of " + dir + " is no longer held by lock id " + me.lockId()
                    + current.map(h -> "; now held by " + h.describe()).orElse(""));
        }
        try {
            writeLease(current.get().renewedUntil(Instant.now().plus(lease)), false);
        } catch (IOException e) {
            throw failure("renew the lock of", e);
        }
    }

    @Override
    public boolean unlock(String lockId) {
        Optional<LockHolder> current = holder();
        if (current.isEmpty() || !current.get().lockId().equals(lockId)) {
            return false;
        }
        try {
            return Files.deleteIfExists(leaseFile);
        } catch (IOException e) {
            throw failure("unlock", e);
        }
    }

    @Override
    public Optional<LockHolder> holder() {
        return readLease(leaseFile);
    }

    private void writeLease(LockHolder h, boolean createNew) throws IOException {
        Properties p = h.toProperties();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        p.store(bytes, "alchemy-java stage lock");
        if (createNew) {
            Path temp = dir.resolve("lock." + UUID.randomUUID() + ".tmp");
            Files.write(temp, bytes.toByteArray());
            try {
                // A hard link is an atomic create-if-absent that never exposes a half-written lease.
                Files.createLink(leaseFile, temp);
            } finally {
                Files.deleteIfExists(temp);
            }
        } else {
            Path temp = dir.resolve("lock." + UUID.randomUUID() + ".tmp");
            Files.write(temp, bytes.toByteArray());
            Files.move(temp, leaseFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static Optional<LockHolder> readLease(Path file) {
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            p.load(in);
            return Optional.of(LockHolder.fromProperties(p));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException | RuntimeException e) {
            // A damaged lease protects nothing: treat it as expired so it can be taken over.
            return Optional.of(new LockHolder("damaged", "?", "?", "?", -1, Instant.EPOCH, Instant.EPOCH));
        }
    }

    // ---------------------------------------------------------------- compaction

    @Override
    public void compact(long upTo, byte[] checkpoint) {
        synchronized (monitor) {
            try {
                withAppendLock(() -> {
                    refreshHead();
                    if (upTo > head) {
                        throw new IllegalArgumentException("cannot compact up to " + upTo + " beyond the head " + head);
                    }
                    Path temp = segments.resolve("compact-" + UUID.randomUUID() + ".tmp");
                    List<Path> old = segmentFiles();
                    Path compacted = segmentFor(upTo);
                    try {
                        try (OutputStream out = new java.io.BufferedOutputStream(Files.newOutputStream(temp))) {
                            writeLine(out, upTo, checkpoint);
                            read(upTo, (pos, record) -> {
                                try {
                                    writeLine(out, pos, record);
                                } catch (IOException e) {
                                    throw new UncheckedIOException(e);
                                }
                                return true;
                            });
                        }
                        try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                            ch.force(true);
                        }
                        Files.move(temp, compacted, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                    } finally {
                        Files.deleteIfExists(temp); // a refused checkpoint or a failed write leaves nothing behind
                    }
                    for (Path p : old) {
                        if (!p.equals(compacted)) {
                            Files.deleteIfExists(p);
                        }
                    }
                    syncDirectory(segments);
                    tailSegment = null;
                    refreshHead();
                    return null;
                });
            } catch (IOException | UncheckedIOException e) {
                throw new StoreException("cannot compact the event log in " + dir + ": " + e.getMessage(), e);
            }
        }
    }

    private static void syncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException ignored) {
            // not every file system can sync a directory
        }
    }

    private StoreException failure(String what, IOException e) {
        return new StoreException("cannot " + what + " the event log in " + dir + ": " + e.getClass().getSimpleName()
                + (e.getMessage() == null ? "" : ": " + e.getMessage()), e);
    }

    @Override
    public String toString() {
        return "FileSystemEventLog(" + dir + ")";
    }
}
