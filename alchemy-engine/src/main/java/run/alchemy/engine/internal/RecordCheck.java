package run.alchemy.engine.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import run.alchemy.api.StateCorruptedException;
import run.alchemy.engine.internal.secrets.SecretCodec;

/**
 * Whether stored bytes are a state record the engine can read: a JSON object whose tags revive,
 * with a string {@code kind} and a known {@code status}. Bytes that fail are damage: they are
 * reported, never adopted into the log (an adopted copy would make the log's own fold unreadable).
 */
public final class RecordCheck {
    /** Secrets are dropped, not opened: whether a record is readable must not depend on having the password. */
    private static final SecretCodec UNOPENED = new SecretCodec(null, true);

    private RecordCheck() {
    }

    /** The record, revived without its secrets; a {@link StateCorruptedException} naming {@code location} when it is none. */
    public static ObjectNode check(StateSerde serde, byte[] bytes, String location) {
        ObjectNode record = serde.readRecord(bytes, location, UNOPENED);
        Records.text(record, "kind", location);
        Records.status(record, location);
        return record;
    }
}
