package run.alchemy.api.spi;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The storage of one stage's event log: numbered records and a few small named control objects.
 * A store provides only these primitives; the engine builds the protocol on them once for every
 * store (the stage lease and its takeover, fencing, the projection mark, the snapshot index,
 * compaction), so a store that honours the contracts below gets all of it right.
 *
 * <h2>Records</h2>
 * A record is opaque bytes without {@code \n} or {@code \r} (one JSON document, written by the
 * engine). Records are numbered from 1 without gaps; the <em>head</em> is the position of the last
 * one (0 when there is none). Appends come in batches: {@link #append} writes a whole batch at the
 * positions after the head the writer expects, or nothing at all. Positions never change and
 * records are never rewritten; {@link #dropBelow} only forgets old ones.
 *
 * <h2>Control objects</h2>
 * Small byte strings (a few KiB at most; any bytes, returned unchanged) addressed by a name: one
 * or more segments joined by {@code /}, each matching {@code [a-z0-9][a-z0-9._-]*}, at most 200
 * characters in all (see {@link #checkName}). A store keeps them beside the records (they are not
 * records and do not move the head); {@link #control}, {@link #createControl} and
 * {@link #putControl} refuse other names with {@link IllegalArgumentException}. Each write of one
 * is atomic: a reader sees the bytes of one whole write, never a mix. Control object writes need
 * not be durable: after a power loss an object may read as any version written before it, as
 * absent, or as damaged bytes; the engine copes with each (a damaged projection mark costs a full
 * re-projection, a damaged lease is reported and can be taken over). Creation is the one
 * conditional write the engine relies on.
 *
 * <p>Implementations are thread-safe and safe for several processes (or machines) using the same
 * storage at once, each with its own instance: no instance may rely on memory of what it wrote.
 * Opening one (see {@link StateStore#logStore}) writes nothing; the first write creates the storage.
 * Its conformance suite is {@code LogStoreContract} of alchemy-testkit.
 */
public interface LogStore extends AutoCloseable {

    /**
     * Position of the last record; 0 when there is none (also when nothing was ever written).
     *
     * @return the head as the storage holds it now, including what other instances appended
     */
    long head();

    /**
     * Appends {@code records} at positions {@code expectedHead + 1 …} and returns the new head.
     * Atomic: when it returns, the whole batch is durable (fsync'd, or the medium's equivalent: the
     * batch survives a power loss) and visible to every instance; when it throws, none of it was
     * appended, now or later. An empty batch appends nothing and returns {@code expectedHead}
     * (without checking it). A position dropped by {@link #dropBelow} is never appended at again:
     * an append whose expected head lies below a drop is refused, even when the records it would
     * replace are gone.
     *
     * @param expectedHead the head this writer last saw: the batch goes at the positions after it
     * @param records      the batch, in order: each record one JSON document without {@code \n}
     *                     or {@code \r}
     * @return the new head, {@code expectedHead + records.size()}
     * @throws LogConflictException     if the head is not {@code expectedHead} (another writer
     *                                  appended first): of two appends at the same head exactly one wins
     * @throws IllegalArgumentException if a record contains {@code \n} or {@code \r} (nothing is appended)
     */
    long append(long expectedHead, List<byte[]> records);

    /**
     * Calls {@code visitor} with each record after {@code afterPosition}, in ascending position
     * order, each position once, until it returns false or the head is reached. Records that
     * {@link #dropBelow} let go are skipped (positions start where the kept records start); a read
     * that races a drop may fail with a {@link run.alchemy.api.StoreException} asking to read again.
     *
     * @param afterPosition the position to read after: 0 reads from the first record kept
     * @param visitor       called with each record's position and bytes, one record at a time
     * @throws run.alchemy.api.StateCorruptedException when stored bytes fail their check, naming where
     */
    void read(long afterPosition, RecordVisitor visitor);

    /** What {@link #read} hands each record to. */
    @FunctionalInterface
    interface RecordVisitor {
        /**
         * Sees one record; returns false to stop reading.
         *
         * @param position the record's position, greater than the previous one's
         * @param record   the record's bytes, as appended
         * @return true to go on to the next record, false to stop
         */
        boolean visit(long position, byte[] record);
    }

    /**
     * Lets go of records below {@code position}: afterwards, reads may skip any of them (a store
     * that stores batches drops whole batches that end below it and may keep the start of the batch
     * holding it), while every record at or after it is kept. The head does not change; appends at
     * a head below {@code position} are refused from now on (see {@link #append}). The engine calls
     * it after appending a checkpoint, with the checkpoint's position. Dropping again at or below
     * an earlier drop changes nothing.
     *
     * @param position the first position that must be kept, at most the head
     * @throws IllegalArgumentException if {@code position} is beyond the head (nothing is dropped)
     */
    void dropBelow(long position);

    /**
     * A control object: its bytes and, where the medium has one, an opaque version token (an ETag,
     * size and modification time) that changes whenever the object is written; null when it has none.
     *
     * @param name    the object's name, as asked for or listed
     * @param bytes   the object's bytes, exactly as last written (kept and returned as copies)
     * @param version the version token, or null when the medium has none
     */
    record Control(String name, byte[] bytes, String version) {
        /**
         * A control object holding a copy of {@code bytes}.
         *
         * @param name    the object's name
         * @param bytes   the object's bytes, copied
         * @param version the version token, or null
         * @throws NullPointerException if {@code bytes} is null
         */
        public Control {
            bytes = bytes.clone();
        }

        /**
         * The object's bytes.
         *
         * @return a new copy of the bytes
         */
        @Override
        public byte[] bytes() {
            return bytes.clone();
        }
    }

    /**
     * The control object, or empty when there is none.
     *
     * @param name the object's name (see the class comment)
     * @return its bytes and version token as stored now, or empty when there is no such object
     * @throws IllegalArgumentException if {@code name} breaks the naming rules
     */
    Optional<Control> control(String name);

    /**
     * Creates the control object only if there is none by that name, atomically: of any number of
     * concurrent creators (in this process or others) exactly one gets true, and every reader sees
     * either no object or that creator's whole bytes.
     *
     * @param name  the object's name (see the class comment)
     * @param bytes the object's bytes
     * @return true when this call created it; false when an object by that name already existed
     *         (whatever its bytes, damaged ones too), which is left unchanged
     * @throws IllegalArgumentException if {@code name} breaks the naming rules
     */
    boolean createControl(String name, byte[] bytes);

    /**
     * Creates or replaces the control object (atomically, see the class comment).
     *
     * @param name  the object's name (see the class comment)
     * @param bytes the object's whole new bytes
     * @throws IllegalArgumentException if {@code name} breaks the naming rules
     */
    void putControl(String name, byte[] bytes);

    /**
     * Removes the control object; a missing one is not an error.
     *
     * @param name the object's name
     */
    void deleteControl(String name);

    /**
     * The names of the control objects that start with {@code prefix} (any string), sorted by {@link String#compareTo}.
     *
     * @param prefix what the names start with, not necessarily at a {@code /}: {@code lock} lists
     *               {@code lock/1} and {@code lockx}; empty lists them all
     * @return the names, sorted; empty when none match
     */
    List<String> controls(String prefix);

    /**
     * The head and control objects read together by {@link #view}.
     *
     * @param head     the log's head
     * @param controls name to control object, for each object under the view's prefix; an
     *                 unmodifiable copy sorted by name
     */
    record View(long head, Map<String, Control> controls) {
        /**
         * A view holding a sorted, unmodifiable copy of {@code controls}.
         *
         * @param head     the log's head
         * @param controls name to control object, copied
         * @throws NullPointerException if {@code controls} or one of its keys is null
         */
        public View {
            controls = Collections.unmodifiableMap(new TreeMap<>(controls));
        }
    }

    /**
     * The head and every control object whose name starts with {@code prefix} (with its bytes), in
     * one request and one consistent view where the medium allows: what the engine reads to open a
     * stage (the lease, the projection mark, the index). The default reads the control objects one
     * by one and then the head, so that no object read reflects a position beyond the head given;
     * one deleted between the listing and its read is left out. Writes nothing.
     *
     * @param prefix what the names of the objects to read start with, as for {@link #controls}
     * @return the head and those control objects
     */
    default View view(String prefix) {
        Map<String, Control> controls = new TreeMap<>();
        for (String name : controls(prefix)) {
            control(name).ifPresent(c -> controls.put(name, c));
        }
        return new View(head(), controls);
    }

    /**
     * Where the log lives, for messages (a directory, a URL).
     *
     * @return a short, non-blank description
     */
    String describe();

    /** Releases what this instance holds open; the stored log is unaffected. */
    @Override
    default void close() {
    }

    /**
     * Checks a control object name against the rules in the class comment.
     *
     * @param name the name to check
     * @return {@code name}, unchanged
     * @throws IllegalArgumentException naming the name and the rule it breaks (also for null)
     */
    static String checkName(String name) {
        if (name == null || name.isEmpty() || name.length() > 200) {
            throw new IllegalArgumentException("a control object name must have 1 to 200 characters: " + name);
        }
        for (String segment : name.split("/", -1)) {
            boolean ok = !segment.isEmpty() && isStart(segment.charAt(0));
            for (int i = 1; ok && i < segment.length(); i++) {
                char c = segment.charAt(i);
                ok = isStart(c) || c == '.' || c == '_' || c == '-';
            }
            if (!ok) {
                throw new IllegalArgumentException("bad control object name \"" + name + "\": each /-separated"
                        + " segment must match [a-z0-9][a-z0-9._-]*");
            }
        }
        return name;
    }

    private static boolean isStart(char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    }
}
