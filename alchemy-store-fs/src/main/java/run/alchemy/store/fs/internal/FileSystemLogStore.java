package run.alchemy.store.fs.internal;

import run.alchemy.api.StateCorruptedException;
import run.alchemy.api.StoreException;
import run.alchemy.api.spi.LogConflictException;
import run.alchemy.api.spi.LogStore;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

import static run.alchemy.store.fs.internal.SegmentLines.TAIL_WINDOW;
import static run.alchemy.store.fs.internal.SegmentLines.checkTail;
import static run.alchemy.store.fs.internal.SegmentLines.parse;
import static run.alchemy.store.fs.internal.SegmentLines.window;
import static run.alchemy.store.fs.internal.SegmentLines.writeLine;

/**
 * The event log of one stage in {@code <root>/.alchemy-java/<app>/<stage>/}, where Alchemy never
 * looks (it only reads {@code <root>/<app>/…}). Segments {@code log/<first position>.seg} hold one
 * record a line: {@code <crc32c> <position> <record>\n}, the checksum covering position and
 * record. Appends take an OS file lock (so several processes serialise), check the head, write the
 * whole batch and fsync once. A torn last line (a crash mid-write) is cut off when the log is
 * opened; a bad checksum anywhere else is corruption and reported with its file and line.
 * Dropping rewrites the records from the given position into a segment named after it (renamed
 * into place), then deletes the older segments. Control objects are files beside the segments
 * ({@link FileSystemControls}). Nothing is created until the first write.
 */
public final class FileSystemLogStore implements LogStore {
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
    private final FileSystemControls controls;
    /** Guards the cached tail (head, tailSegment, tailSize) and, with the append lock, the segments. */
    private final Object monitor = new Object();
    private ReentrantLock inJvmLock;
    private long head;
    private Path tailSegment;
    private long tailSize;

    /** The log in {@code dir} (which need not exist: it is created by the first write). */
    public FileSystemLogStore(Path dir) {
        this.dir = dir;
        this.segments = dir.resolve("log");
        this.appendLockFile = dir.resolve("append.lock");
        this.controls = new FileSystemControls(dir, Set.of("log", "append.lock"));
    }

    @Override
    public String describe() {
        return dir.toString();
    }

    @Override
    public long head() {
        synchronized (monitor) {
            if (!Files.isDirectory(segments)) {
                return 0; // nothing was ever appended; reading must not create the log
            }
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
                Files.createDirectories(segments);
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

    /**
     * Scans the segments from the one holding {@code afterPosition + 1}. Positions are visited
     * once and ascending even where segments overlap (a drop interrupted between renaming the new
     * segment into place and deleting the old ones); a segment deleted by a drop since the listing
     * makes the read list again and go on after the last record it visited.
     */
    @Override
    public void read(long afterPosition, RecordVisitor visitor) {
        long[] last = {afterPosition};
        List<Path> all = segmentFiles();
        for (int i = 0; i < all.size(); i++) {
            if (i + 1 < all.size() && firstPosition(all.get(i + 1)) <= last[0] + 1) {
                continue;
            }
            Boolean more = scan(all.get(i), (pos, record, end) -> {
                if (pos <= last[0]) {
                    return true;
                }
                last[0] = pos;
                return visitor.visit(pos, record);
            });
            if (more == null) {
                read(last[0], visitor); // dropped meanwhile: its records are in a newer segment now
                return;
            }
            if (!more) {
                return;
            }
        }
    }

    private interface LineVisitor {
        boolean line(long position, byte[] record, long endOffset);
    }

    /** Reads a segment's complete, checksummed lines; false when the visitor stopped, null when the segment is gone. */
    private Boolean scan(Path segment, LineVisitor visitor) {
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
                    SegmentLines.Parsed p = parse(buf, start, i);
                    if (p == null) {
                        throw new StateCorruptedException(segment + ":" + lineNo, "event log record fails its checksum");
                    }
                    if (!visitor.line(p.position(), p.record(), consumed + i + 1)) {
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
            return null;
        } catch (IOException e) {
            throw failure("read", e);
        }
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

    /** Runs {@code action} under the in-JVM and the OS lock of the log (whose directory must exist). */
    private <T> T withAppendLock(LockedAction<T> action) throws IOException {
        if (inJvmLock == null) {
            inJvmLock = IN_JVM_LOCKS.computeIfAbsent(dir.toRealPath().resolve("append.lock"), k -> new ReentrantLock());
        }
        inJvmLock.lock();
        try (FileChannel ch = FileChannel.open(appendLockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock lock = ch.lock()) {
            return action.run();
        } finally {
            inJvmLock.unlock();
        }
    }

    // ---------------------------------------------------------------- dropping

    @Override
    public void dropBelow(long position) {
        synchronized (monitor) {
            long top = head();
            if (position > top) {
                throw new IllegalArgumentException("cannot drop below " + position + ": the head of " + dir
                        + " is " + top);
            }
            if (position <= 1) {
                return; // positions start at 1: nothing is below
            }
            try {
                withAppendLock(() -> {
                    refreshHead();
                    if (position > head) {
                        throw new IllegalArgumentException("cannot drop below " + position + ": the head of " + dir
                                + " is " + head);
                    }
                    List<Path> old = segmentFiles();
                    Path kept = segmentFor(position);
                    if (!old.contains(kept)) {
                        rewriteFrom(position, kept);
                    }
                    for (Path p : old) {
                        if (firstPosition(p) < position) {
                            Files.deleteIfExists(p);
                        }
                    }
                    syncDirectory(segments);
                    tailSegment = null;
                    refreshHead();
                    return null;
                });
            } catch (IOException | UncheckedIOException e) {
                throw new StoreException("cannot drop records of the event log in " + dir + ": " + e.getMessage(), e);
            }
        }
    }

    /** Copies the records from {@code position} on into {@code target}, synced, renamed into place. */
    private void rewriteFrom(long position, Path target) throws IOException {
        Path temp = segments.resolve("drop-" + UUID.randomUUID() + ".tmp");
        try {
            try (OutputStream out = new java.io.BufferedOutputStream(Files.newOutputStream(temp))) {
                read(position - 1, (pos, record) -> {
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
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    // ---------------------------------------------------------------- control objects

    @Override
    public Optional<Control> control(String name) {
        return controls.get(name);
    }

    @Override
    public boolean createControl(String name, byte[] bytes) {
        return controls.create(name, bytes);
    }

    @Override
    public void putControl(String name, byte[] bytes) {
        controls.put(name, bytes);
    }

    @Override
    public void deleteControl(String name) {
        controls.delete(name);
    }

    @Override
    public List<String> controls(String prefix) {
        return controls.list(prefix);
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
        return "FileSystemLogStore(" + dir + ")";
    }
}
