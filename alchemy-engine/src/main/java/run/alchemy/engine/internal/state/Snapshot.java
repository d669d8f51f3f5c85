package run.alchemy.engine.internal.state;

import run.alchemy.engine.internal.StateSerde;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A stored record: its bytes, their hash, and what was parsed ahead until the first reader takes it
 * (reviving changes the tree; later readers parse their own).
 */
final class Snapshot {
    /** In place of the tree once a reader took it: a tree offered after that is not kept. */
    private static final Object TAKEN = new Object();

    private final byte[] bytes;
    private String sha; // computed on first use when not given; a race computes the same value twice
    /** null (not parsed yet), what was parsed ahead, or {@link #TAKEN}. */
    private final AtomicReference<Object> tree = new AtomicReference<>();

    Snapshot(byte[] bytes, String sha) {
        this.bytes = bytes;
        this.sha = sha;
    }

    static Snapshot of(byte[] bytes) {
        return new Snapshot(bytes, null);
    }

    byte[] bytes() {
        return bytes;
    }

    String sha() {
        if (sha == null) {
            sha = sha256(bytes);
        }
        return sha;
    }

    /** What was parsed ahead, or null when nothing was (then the reader parses the bytes itself). */
    StateSerde.Parsed takeParsed() {
        return tree.getAndSet(TAKEN) instanceof StateSerde.Parsed parsed ? parsed : null;
    }

    /** Whether no reader took the record and no tree was parsed for it yet. */
    boolean wantsTree() {
        return tree.get() == null;
    }

    /** Keeps {@code parsed} for the first reader, unless a reader came first. */
    void offerParsed(StateSerde.Parsed parsed) {
        tree.compareAndSet(null, parsed);
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
