package run.alchemy.store.fs;

import run.alchemy.api.StateCorruptedException;
import run.alchemy.api.StoreException;
import run.alchemy.api.spi.LogStore;
import run.alchemy.api.spi.StateStore;
import run.alchemy.store.fs.internal.FileSystemLogStore;
import run.alchemy.store.fs.internal.UnsyncedWrites;

import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * State in a directory tree, exactly as Alchemy's {@code FileSystemStateStore} lays it out:
 * {@code <root>/<app>/<stage>/…/<id>.json}, with {@code /} in ids stored as {@code :} and
 * children of resource {@code p} in {@code p/}. Files are written whole to a temporary file,
 * fsync'd and renamed over the old one, so a reader never sees half a record. {@link #writeAll}
 * skips the fsyncs and leaves them to {@link #sync}, which syncs the written files and their
 * directories at once.
 */
public final class FileSystemStateStore implements StateStore {
    private static final String SUFFIX = ".json";
    private static final String TEMP_SUFFIX = ".tmp";
    /** Below this many records a batch is written by the caller alone: threads cost more than they save. */
    private static final int PARALLEL_WRITES = 64;
    /** Threads writing one large batch. */
    private static final int WRITE_THREADS = 4;

    /** Where the event logs live: inside the root, but not in any app's or scope's directory. */
    private static final String LOG_DIR = ".alchemy-java";

    private final Path root;
    /** Files and directories {@link #writeAll} changed since the last {@link #sync}. */
    private final UnsyncedWrites unsynced = new UnsyncedWrites();

    /**
     * A store rooted at {@code root} (Alchemy's {@code .alchemy} directory). Nothing is created until
     * the first write.
     *
     * @param root the directory, such as {@code Path.of(".alchemy")}; made absolute and normalized
     */
    public FileSystemStateStore(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    /** The stage's log in {@code <root>/.alchemy-java/<app>/<stage>/} (created by its first write). */
    @Override
    public Optional<LogStore> logStore(String app, String stage) {
        return Optional.of(new FileSystemLogStore(logDir(app, stage)));
    }

    @Override
    public boolean hasLog(String app, String stage) {
        return Files.isDirectory(logDir(app, stage));
    }

    private Path logDir(String app, String stage) {
        return inside(root.resolve(LOG_DIR).resolve(app).resolve(stage).normalize(), app + "/" + stage);
    }

    /** The directories under {@code <root>/.alchemy-java/<app>/}: looked at, never created. */
    @Override
    public Set<String> eventLogStages(String app) {
        Path logs = inside(root.resolve(LOG_DIR).resolve(app).normalize(), app);
        Set<String> stages = new TreeSet<>();
        if (!Files.isDirectory(logs)) {
            return stages;
        }
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(logs, Files::isDirectory)) {
            dirs.forEach(d -> stages.add(d.getFileName().toString()));
        } catch (IOException e) {
            throw new StoreException("cannot list the event logs in " + logs + ": " + e.getMessage(), e);
        }
        return stages;
    }

    /**
     * The directory the state is in.
     *
     * @return the root, absolute and normalized
     */
    public Path root() {
        return root;
    }

    @Override
    public Optional<byte[]> get(List<String> chain, String id) {
        Path file = file(chain, id);
        try {
            return Optional.of(Files.readAllBytes(file));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            if (Files.isDirectory(file)) {
                throw new StateCorruptedException(file.toString(), "is a directory, expected a JSON file");
            }
            throw failure("cannot read " + file, e);
        }
    }

    @Override
    public void put(List<String> chain, String id, byte[] json) {
        write(file(chain, id), json, true);
    }

    /**
     * Writes the records without syncing them; {@link #sync} does, all at once. A large batch of
     * distinct records is written by {@value #WRITE_THREADS} threads: each rename or unlink is a
     * journal operation that mostly waits (an unlink of a synced 600-byte record costs about 0.1 ms
     * on ext4), and several at once take half the time of one after another.
     */
    @Override
    public void writeAll(List<Write> writes) {
        if (writes.size() < PARALLEL_WRITES || !distinctRecords(writes)) {
            writes.forEach(this::writeUnsynced);
            return;
        }
        int chunk = (writes.size() + WRITE_THREADS - 1) / WRITE_THREADS;
        List<Callable<Void>> parts = new ArrayList<>();
        for (int from = 0; from < writes.size(); from += chunk) {
            List<Write> part = writes.subList(from, Math.min(writes.size(), from + chunk));
            parts.add(() -> {
                part.forEach(this::writeUnsynced);
                return null;
            });
        }
        ExecutorService writers = Executors.newFixedThreadPool(parts.size(), r -> {
            Thread t = new Thread(r, "alchemy-fs-writer");
            t.setDaemon(true);
            return t;
        });
        try {
            for (Future<Void> done : writers.invokeAll(parts)) {
                done.get();
            }
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new StoreException("cannot write to " + root, e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException("interrupted while writing to " + root, e);
        } finally {
            writers.shutdownNow();
        }
    }

    /** Whether no two writes name the same record: only then may their order change. */
    private static boolean distinctRecords(List<Write> writes) {
        Set<List<String>> seen = new HashSet<>();
        for (Write w : writes) {
            List<String> key = new ArrayList<>(w.chain().size() + 1);
            key.addAll(w.chain());
            key.add(w.id());
            if (!seen.add(key)) {
                return false;
            }
        }
        return true;
    }

    private void writeUnsynced(Write w) {
        Path file = file(w.chain(), w.id());
        if (w.json() == null) {
            delete(file);
        } else {
            write(file, w.json(), false);
            unsynced.add(file);
        }
        unsynced.add(file.getParent());
    }

    /** Makes what {@link #writeAll} wrote durable: the files, and the directories for renames and removals. */
    @Override
    public void sync() {
        unsynced.sync();
    }

    private void write(Path file, byte[] json, boolean durable) {
        Path dir = file.getParent();
        // not named after the record: a record's file name may take all of the 255 bytes a name holds
        Path temp = dir.resolve("." + UUID.randomUUID() + TEMP_SUFFIX);
        try {
            Files.createDirectories(dir);
            if (Files.isDirectory(file, LinkOption.NOFOLLOW_LINKS)) {
                throw new StateCorruptedException(file.toString(), "is a directory, expected a JSON file");
            }
            try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                ByteBuffer buf = ByteBuffer.wrap(json);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                if (durable) {
                    ch.force(true);
                }
            }
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            if (durable) {
                syncDirectory(dir);
            }
        } catch (FileAlreadyExistsException e) {
            throw failure("cannot write " + file + ": " + e.getFile() + " exists and is not a directory", e);
        } catch (IOException e) {
            throw failure("cannot write " + file, e);
        } finally {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException ignored) {
                // the temp file is invisible to list(); a later write replaces nothing of it
            }
        }
    }

    @Override
    public void delete(List<String> chain, String id) {
        delete(file(chain, id));
    }

    private static void delete(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw failure("cannot delete " + file, e);
        }
    }

    /**
     * One pass over the scope's directory: {@code .json} files are records, directories are child
     * scopes. Telling them apart costs a stat per entry; when the directory's link count says it
     * has no subdirectories (2 on ext4, xfs and most Unix file systems), {@code .json} names are
     * taken as records without one. Other counts (btrfs says 1), or none, and every entry is checked.
     * No version tokens: a file's (size, modification time) would cost the stat per entry that the
     * listing otherwise avoids.
     */
    @Override
    public Contents contents(List<String> chain) {
        Path dir = dir(chain);
        // One native call for the whole directory: at 10,000 entries a third of what a
        // DirectoryStream costs (a call and a Path per entry), on the critical path of every run.
        String[] names = dir.toFile().list();
        if (names == null && (names = namesOrWhyNot(dir)) == null) {
            return new Contents(List.of(), List.of());
        }
        List<String> ids = new ArrayList<>(names.length);
        List<String> scopes = new ArrayList<>();
        boolean noSubdirectories = linkCount(dir) == 2;
        for (String name : names) {
            boolean json = name.endsWith(SUFFIX);
            if (json && noSubdirectories) {
                ids.add(idOf(name));
                continue;
            }
            BasicFileAttributes a;
            try {
                a = Files.readAttributes(dir.resolve(name), BasicFileAttributes.class);
            } catch (NoSuchFileException gone) {
                continue; // removed since the listing, or a dangling link
            } catch (IOException e) {
                throw failure("cannot list " + dir, e);
            }
            if (a.isDirectory()) {
                scopes.add(name);
            } else if (json && a.isRegularFile()) {
                ids.add(idOf(name));
            }
        }
        Collections.sort(ids);
        Collections.sort(scopes);
        return new Contents(ids, scopes);
    }

    /**
     * The names in {@code dir} read again where {@link File#list} returned none, which it does
     * without saying why: null when the directory does not exist, else what the failure was, thrown.
     */
    private static String[] namesOrWhyNot(Path dir) {
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            entries.forEach(p -> names.add(p.getFileName().toString()));
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw failure("cannot list " + dir, e);
        }
        return names.toArray(String[]::new);
    }

    private static String idOf(String fileName) {
        return fileName.substring(0, fileName.length() - SUFFIX.length()).replace(':', '/');
    }

    private static long linkCount(Path dir) {
        try {
            return ((Number) Files.getAttribute(dir, "unix:nlink")).longValue();
        } catch (UnsupportedOperationException | IllegalArgumentException | IOException e) {
            return -1;
        }
    }

    /** Files are read in parallel, so a scope's first read costs less than one read after another. */
    @Override
    public boolean prefersBatchReads() {
        return true;
    }

    /**
     * A directory can stand where a record's file would be: the listing shows it as a child scope
     * named like the file (which is also how a child scope of a resource with that name looks).
     */
    @Override
    public boolean confirmsAbsenceByReading(String id, Set<String> scopes) {
        return !scopes.isEmpty() && scopes.contains(id.replace('/', ':') + SUFFIX);
    }

    @Override
    public Map<String, byte[]> getBatch(List<String> chain, Collection<String> ids) {
        List<String> order = List.copyOf(ids);
        byte[][] found = new byte[order.size()][];
        IntStream.range(0, order.size()).parallel().forEach(i -> found[i] = get(chain, order.get(i)).orElse(null));
        Map<String, byte[]> out = new LinkedHashMap<>();
        for (int i = 0; i < found.length; i++) {
            if (found[i] != null) {
                out.put(order.get(i), found[i]);
            }
        }
        return out;
    }

    /** Removes the scope's directory when no record (no regular file) is left anywhere below it. */
    @Override
    public void deleteScope(List<String> chain) {
        Path dir = dir(chain);
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try {
            List<Path> all;
            try (Stream<Path> walk = Files.walk(dir)) {
                all = walk.toList();
            }
            for (Path p : all) {
                BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                if (!a.isDirectory() && !isAbandonedTemp(p, a)) {
                    return;
                }
            }
            for (int i = all.size() - 1; i >= 0; i--) {
                Files.deleteIfExists(all.get(i));
            }
        } catch (NoSuchFileException e) {
            // removed meanwhile: nothing to do
        } catch (IOException e) {
            throw failure("cannot remove " + dir, e);
        }
    }

    /**
     * A temporary file of ours that a killed process left behind: it never became a record. Young
     * ones may still be renamed by a live writer, so they keep the directory.
     */
    private static boolean isAbandonedTemp(Path p, BasicFileAttributes a) {
        String name = p.getFileName().toString();
        return name.startsWith(".") && name.endsWith(TEMP_SUFFIX)
                && a.lastModifiedTime().toInstant().isBefore(java.time.Instant.now().minusSeconds(60));
    }

    /** The record's file; built as a string (the engine names it on every read) unless a name needs normalizing. */
    @Override
    public String locate(List<String> chain, String id) {
        StringBuilder path = new StringBuilder(root.toString());
        for (String name : chain) {
            if (!plainName(name)) {
                return file(chain, id).toString();
            }
            path.append(File.separatorChar).append(name);
        }
        String fileName = id.replace('/', ':') + SUFFIX;
        if (id.isEmpty() || id.indexOf(':') >= 0 || !plainName(fileName)) {
            return file(chain, id).toString();
        }
        return path.append(File.separatorChar).append(fileName).toString();
    }

    private static boolean plainName(String name) {
        return !name.isEmpty() && !name.equals(".") && !name.equals("..") && name.indexOf('/') < 0
                && name.indexOf(File.separatorChar) < 0;
    }

    /** Chain elements are path segments, unescaped as in Alchemy; anything resolving outside the root is refused. */
    private Path dir(List<String> chain) {
        Path dir = root;
        for (String name : chain) {
            dir = dir.resolve(name);
        }
        return inside(dir.normalize(), String.join("/", chain));
    }

    private Path file(List<String> chain, String id) {
        if (id.isEmpty() || id.indexOf(':') >= 0) {
            throw new StoreException("cannot store id \"" + id + "\": ids must be non-empty and contain no ':'");
        }
        Path dir = dir(chain);
        Path file = dir.resolve(id.replace('/', ':') + SUFFIX).normalize();
        if (!dir.equals(file.getParent())) {
            throw new StoreException("refusing id \"" + id + "\": it would leave " + dir);
        }
        return file;
    }

    private Path inside(Path p, String what) {
        if (!p.startsWith(root)) {
            throw new StoreException("refusing scope \"" + what + "\": it would leave the state directory " + root);
        }
        return p;
    }

    private static void syncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            // Some file systems cannot fsync a directory; the rename is still atomic.
        }
    }

    private static StoreException failure(String what, IOException e) {
        String reason = e instanceof AccessDeniedException ? "permission denied"
                : e instanceof NoSuchFileException ? "no such file " + e.getMessage()
                : e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
        return new StoreException(what + ": " + reason, e);
    }

    @Override
    public String toString() {
        return "FileSystemStateStore(" + root + ")";
    }
}
