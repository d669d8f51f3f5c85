package run.alchemy.engine.internal.state;

import run.alchemy.engine.internal.StateSerde;

import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicReference;
import java.util.zip.CRC32;
import java.util.zip.CRC32C;

/**
 * A stored record: its bytes, their digest, and what was parsed ahead until the first reader takes it
 * (reviving changes the tree; later readers parse their own).
 */
final class Snapshot {
    /** In place of the tree once a reader took it: a tree offered after that is not kept. */
    private static final Object TAKEN = new Object();

    private final byte[] bytes;
    private String digest; // computed on first use when not given; a race computes the same value twice
    /** null (not parsed yet), what was parsed ahead, or {@link #TAKEN}. */
    private final AtomicReference<Object> tree = new AtomicReference<>();

    Snapshot(byte[] bytes, String digest) {
        this.bytes = bytes;
        this.digest = digest;
    }

    static Snapshot of(byte[] bytes) {
        return new Snapshot(bytes, null);
    }

    byte[] bytes() {
        return bytes;
    }

    String digest() {
        if (digest == null) {
            digest = digest(bytes);
        }
        return digest;
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

    /**
     * What the log expects a snapshot to hold, as drift detection compares it: the CRC-32 and the
     * CRC-32C of the bytes, 16 hex digits. An edit escapes it only if its difference is a multiple
     * of both polynomials (a chance of 2^-64 for any edit, none for a burst of up to 32 bits); it
     * tells accidental change, not tampering by someone who can write the state anyway. Both
     * checksums are compiled to the processor's instructions by the client compiler as well, which
     * the launcher runs alone: SHA-256 there (no intrinsic below C2) was a third of the reader's time.
     */
    static String digest(byte[] bytes) {
        CRC32 ieee = new CRC32();
        ieee.update(bytes);
        CRC32C castagnoli = new CRC32C();
        castagnoli.update(bytes);
        return HexFormat.of().toHexDigits(ieee.getValue() << 32 | castagnoli.getValue());
    }
}
