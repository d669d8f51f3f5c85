package run.alchemy.engine.internal.state;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicReference;

/** A stored record: its bytes, their hash, and its parsed tree until a reader takes it (reviving changes it). */
final class Snapshot {
    private final byte[] bytes;
    private String sha; // computed on first use when not given; a race computes the same value twice
    private final AtomicReference<ObjectNode> tree;

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

    ObjectNode takeTree() {
        return tree.getAndSet(null);
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
