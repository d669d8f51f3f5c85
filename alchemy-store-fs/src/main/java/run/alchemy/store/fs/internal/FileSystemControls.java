package run.alchemy.store.fs.internal;

import run.alchemy.api.StoreException;
import run.alchemy.api.spi.LogStore;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * A log's control objects as files under its directory: name {@code a/b} is the file
 * {@code <dir>/a/b}. Writes go to a hidden temporary file first ({@code .<name>.<uuid>.tmp}, which
 * no valid name can be): a create is a hard link to it (atomic and exclusive: exactly one of
 * several creators links), a put a rename over the old file. Neither is fsync'd: control objects
 * need not be durable. Names whose first segment is reserved (the log's own files) are refused.
 */
final class FileSystemControls {
    private final Path dir;
    private final Set<String> reserved;

    FileSystemControls(Path dir, Set<String> reserved) {
        this.dir = dir;
        this.reserved = reserved;
    }

    private Path file(String name) {
        LogStore.checkName(name);
        String first = name.split("/", 2)[0];
        if (reserved.contains(first)) {
            throw new IllegalArgumentException("control object name \"" + name + "\" is reserved for the log itself");
        }
        return dir.resolve(name);
    }

    Optional<LogStore.Control> get(String name) {
        Path file = file(name);
        try {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
            if (!a.isRegularFile()) {
                return Optional.empty(); // a directory of longer names, not an object
            }
            byte[] bytes = Files.readAllBytes(file);
            return Optional.of(new LogStore.Control(name, bytes, a.size() + "-" + a.lastModifiedTime().toMillis()));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw failure("read", file, e);
        }
    }

    boolean create(String name, byte[] bytes) {
        Path file = file(name);
        Path temp = null;
        try {
            temp = writeTemp(file, bytes);
            Files.createLink(file, temp);
            return true;
        } catch (FileAlreadyExistsException e) {
            return false;
        } catch (IOException e) {
            throw failure("create", file, e);
        } finally {
            deleteQuietly(temp);
        }
    }

    void put(String name, byte[] bytes) {
        Path file = file(name);
        Path temp = null;
        try {
            temp = writeTemp(file, bytes);
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw failure("write", file, e);
        } finally {
            deleteQuietly(temp);
        }
    }

    void delete(String name) {
        Path file = file(name);
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw failure("delete", file, e);
        }
    }

    /** Walks only the directory the prefix names (all of {@code dir} for a prefix without {@code /}). */
    List<String> list(String prefix) {
        int slash = prefix.lastIndexOf('/');
        Path start = slash < 0 ? dir : dir.resolve(prefix.substring(0, slash));
        if (!start.normalize().startsWith(dir) || !Files.isDirectory(start)) {
            return List.of();
        }
        List<String> names = new ArrayList<>();
        try {
            Files.walkFileTree(start, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) {
                    return d.equals(dir) || valid(dir.relativize(d).toString()) ? FileVisitResult.CONTINUE
                            : FileVisitResult.SKIP_SUBTREE;
                }

                @Override
                public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) {
                    String name = dir.relativize(f).toString().replace(f.getFileSystem().getSeparator(), "/");
                    if (attrs.isRegularFile() && name.startsWith(prefix) && valid(name)) {
                        names.add(name);
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path f, IOException e) {
                    return FileVisitResult.CONTINUE; // removed since the directory was read
                }
            });
        } catch (IOException e) {
            throw failure("list", start, e);
        }
        Collections.sort(names);
        return names;
    }

    private boolean valid(String name) {
        try {
            file(name.replace(dir.getFileSystem().getSeparator(), "/"));
            return true;
        } catch (IllegalArgumentException e) {
            return false; // temporary files, the log's own files, anything else not made by us
        }
    }

    private static Path writeTemp(Path file, byte[] bytes) throws IOException {
        Files.createDirectories(file.getParent());
        Path temp = file.resolveSibling("." + file.getFileName() + "." + UUID.randomUUID() + ".tmp");
        Files.write(temp, bytes);
        return temp;
    }

    private static void deleteQuietly(Path temp) {
        if (temp == null) {
            return;
        }
        try {
            Files.deleteIfExists(temp);
        } catch (IOException ignored) {
            // a hidden temporary file: never listed as an object
        }
    }

    private static StoreException failure(String what, Path file, IOException e) {
        return new StoreException("cannot " + what + " the control object " + file + ": " + e.getClass().getSimpleName()
                + (e.getMessage() == null ? "" : ": " + e.getMessage()), e);
    }
}
