package run.alchemy.engine.internal.state;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A stored record: its bytes, their hash, and a tree parsed ahead until the first reader takes it
 * (reviving changes it; later readers parse their own).
 */
final class Snapshot {
    /** In place of the tree once a reader took it: a tree offered after that is not kept. */
    private static final Object TAKEN = new Object();

    private final byte[] bytes;
    private String sha; // computed on first use when not given; a race computes the same value twice
    /** null (not parsed yet), the parsed tree, or {@link #TAKEN}. */
    private final AtomicReference<Object> tree;

    Snapshot(byte[] bytes, String sha, ObjectNode tree) {
        this.bytes = bytes;
        this.sha = sha;
        this.tree = new AtomicReference<>(tree);
    }

    static Snapshot of(byte[] bytes) {
        return new Snapshot(bytes, null, null);
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

    /** The tree parsed ahead, or null when there is none (then the reader parses the bytes itself). */
    ObjectNode takeTree() {
        return tree.getAndSet(TAKEN) instanceof ObjectNode parsed ? parsed : null;
    }

    /** Whether no reader took the record and no tree was parsed for it yet. */
    boolean wantsTree() {
        return tree.get() == null;
    }

    /** Keeps {@code parsed} for the first reader, unless a reader came first. */
    void offerTree(ObjectNode parsed) {
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
