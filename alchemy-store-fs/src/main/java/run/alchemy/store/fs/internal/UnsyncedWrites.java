package run.alchemy.store.fs.internal;

import run.alchemy.api.StoreException;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ForkJoinPool;

/**
 * The files and directories written without an fsync since the last {@link #sync}, and the
 * cheapest way to make them durable. A few are fsync'd one by one (several at once, since an fsync
 * mostly waits on the disk). Many are made durable with one {@code syncfs(2)} per file system,
 * through {@code sync -f}: an fsync per file costs a journal commit each (1.5 s for 10,000 small
 * files here, against 0.14 s for one syncfs), which is why PostgreSQL offers syncfs for the same
 * job ({@code recovery_init_sync_method}). Java cannot call syncfs itself; where {@code sync -f}
 * is missing or fails (not Linux, an old coreutils), the files are fsync'd one by one.
 */
public final class UnsyncedWrites {
    /** Below this many paths an fsync each is cheaper than starting a process and flushing a whole file system. */
    static final int SYNCFS_THRESHOLD = 64;
    /** fsyncs running at once: enough to keep a disk's queue busy, few enough to cost little. */
    private static final int SYNC_THREADS = 8;

    private final List<String> syncfsCommand;
    /** Guarded by itself. */
    private final Set<Path> paths = new LinkedHashSet<>();
    /** Cleared the first time {@link #syncfsCommand} fails: the rest of this store's life fsyncs each file. */
    private volatile boolean syncfsWorks;

    /** Uses {@code sync -f} on Linux, an fsync per path elsewhere. */
    public UnsyncedWrites() {
        this(List.of("sync", "-f"), System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("linux"));
    }

    /** {@code syncfsCommand} followed by a path flushes that path's file system. */
    UnsyncedWrites(List<String> syncfsCommand, boolean syncfsWorks) {
        this.syncfsCommand = List.copyOf(syncfsCommand);
        this.syncfsWorks = syncfsWorks;
    }

    /** A file written (or a directory whose entries changed) that {@link #sync} must make durable. */
    public void add(Path path) {
        synchronized (paths) {
            paths.add(path);
        }
    }

    /**
     * Makes durable every path added before the call. Serialised, so that a sync never returns
     * while another is still syncing paths it took over.
     */
    public synchronized void sync() {
        List<Path> taken;
        synchronized (paths) {
            taken = new ArrayList<>(paths);
            paths.clear();
        }
        if (taken.size() >= SYNCFS_THRESHOLD && syncfsWorks && syncFileSystems(taken)) {
            return;
        }
        fsyncEach(taken);
    }

    /** One syncfs per file system the paths are on; false (and never again) if the command fails. */
    private boolean syncFileSystems(List<Path> taken) {
        Map<FileStore, Path> fileSystems = new LinkedHashMap<>();
        Set<Path> directories = new LinkedHashSet<>();
        for (Path p : taken) {
            directories.add(Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS) ? p : p.getParent());
        }
        try {
            for (Path dir : directories) {
                if (Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
                    fileSystems.putIfAbsent(Files.getFileStore(dir), dir);
                }
            }
            for (Path dir : fileSystems.values()) {
                List<String> command = new ArrayList<>(syncfsCommand);
                command.add(dir.toString());
                Process sync = new ProcessBuilder(command).redirectErrorStream(true).start();
                try (InputStream out = sync.getInputStream()) {
                    out.transferTo(OutputStream.nullOutputStream()); // it prints only why it failed
                }
                if (sync.waitFor() != 0) {
                    syncfsWorks = false;
                    return false;
                }
            }
            return true;
        } catch (IOException e) {
            syncfsWorks = false;
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException("interrupted while syncing " + fileSystems.values(), e);
        }
    }

    private static void fsyncEach(List<Path> taken) {
        if (taken.size() <= 1) {
            taken.forEach(UnsyncedWrites::fsync);
            return;
        }
        ForkJoinPool syncers = new ForkJoinPool(Math.min(SYNC_THREADS, taken.size()));
        try {
            syncers.submit(() -> taken.parallelStream().forEach(UnsyncedWrites::fsync)).join();
        } catch (RuntimeException e) {
            throw e.getCause() instanceof StoreException s ? s : e;
        } finally {
            syncers.shutdown();
        }
    }

    private static void fsync(Path p) {
        boolean directory = Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS);
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (NoSuchFileException gone) {
            // deleted since (a later write or delete): its directory is synced instead
        } catch (IOException e) {
            if (!directory) {
                throw new StoreException("cannot sync " + p + ": " + e.getMessage(), e);
            }
            // some file systems cannot fsync a directory; the rename is still atomic
        }
    }
}
