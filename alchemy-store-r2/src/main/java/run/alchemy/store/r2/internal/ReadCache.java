package run.alchemy.store.r2.internal;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Object bodies on local disk, each in a file named by the hex MD5 of its bytes: R2's ETag of an
 * object uploaded in one part. A listing gives every object's ETag; a body whose ETag names a file
 * here is read from the file instead of the API, so a redeploy that changed nothing reads no record
 * over the rate-limited REST API. Content-addressed and checked on every read (the file's MD5 must be
 * its name), a file can only ever stand for the very bytes R2 holds under that ETag: a damaged or
 * foreign file, or an ETag of another form (a multipart upload), is a miss and the object is read.
 * Files hold what the bucket holds (secrets sealed as in the bucket), readable by the owner only.
 */
public final class ReadCache {
    private final Path dir;

    private ReadCache(Path dir) {
        this.dir = dir;
    }

    /** The cache in {@code dir}, created (owner-only where the file system has POSIX permissions) if absent. */
    public static ReadCache in(Path dir) {
        try {
            Files.createDirectories(dir);
            try {
                Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
            } catch (UnsupportedOperationException notPosix) {
                // Windows: the directory inherits the user profile's access control
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("R2 store: the read cache directory " + dir + " cannot be created: " + e, e);
        }
        return new ReadCache(dir);
    }

    public Path dir() {
        return dir;
    }

    /** The bytes whose MD5 is {@code etag}, or empty (also when the file is damaged or unreadable). */
    public Optional<byte[]> get(String etag) {
        String name = normalize(etag);
        if (name == null) {
            return Optional.empty();
        }
        try {
            byte[] bytes = Files.readAllBytes(dir.resolve(name));
            return name.equals(md5(bytes)) ? Optional.of(bytes) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty(); // absent or unreadable: it costs a request, nothing more
        }
    }

    /** Keeps {@code bytes} under their MD5; a failure to write is ignored (the next read asks the API). */
    public void put(byte[] bytes) {
        Path target = dir.resolve(md5(bytes));
        if (Files.exists(target)) {
            return;
        }
        Path temp = dir.resolve(".tmp-" + Long.toHexString(ThreadLocalRandom.current().nextLong()));
        try {
            Files.write(temp, bytes);
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException ignored) {
                // nothing more to do: a stray temporary file is never read as a body
            }
        }
    }

    /** An ETag as a file name: 32 hex digits (quotes, as in the HTTP header, dropped), or null. */
    static String normalize(String etag) {
        if (etag == null) {
            return null;
        }
        String s = etag.replace("\"", "").toLowerCase(Locale.ROOT);
        return s.matches("[0-9a-f]{32}") ? s : null;
    }

    /**
     * The hex MD5 of the bytes: R2's ETag of an object uploaded in one part.
     *
     * @param bytes an object's body
     * @return 32 lower-case hex digits
     */
    public static String md5(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
