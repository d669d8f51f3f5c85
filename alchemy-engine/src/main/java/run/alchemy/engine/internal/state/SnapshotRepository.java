package run.alchemy.engine.internal.state;

import com.fasterxml.jackson.databind.node.ObjectNode;
import run.alchemy.api.Action;
import run.alchemy.api.event.ResourceEvent.Type;
import run.alchemy.engine.internal.log.StageLog;
import run.alchemy.api.spi.StateStore;
import run.alchemy.engine.internal.RecordCheck;
import run.alchemy.engine.internal.StateSerde;
import run.alchemy.engine.internal.secrets.SecretCodec;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * State without a log: every write goes straight to the store's snapshots. Reads go through the
 * {@link ReadAhead}, as with a log, so that a remote store answers a scope in a few batch requests
 * instead of one request per record (and one listing per resource's child scope); what the run
 * wrote answers before the read-ahead, whose bytes may predate it.
 */
final class SnapshotRepository extends RecordAccess {
    private final ReadAhead readAhead;
    /**
     * This run's writes by scope, then id: the bytes written, or empty for a delete. Set before the
     * store is written, so that no read after a write began gets the read-ahead's older bytes.
     */
    private final Map<List<String>, Map<String, Optional<byte[]>>> written = new ConcurrentHashMap<>();

    SnapshotRepository(StateStore store, StateSerde serde) {
        super(store, serde);
        this.readAhead = new ReadAhead(store, serde, false, ReadAhead.KnownBodies.NONE);
    }

    private void remember(List<String> chain, String id, byte[] bytes) {
        written.computeIfAbsent(List.copyOf(chain), c -> new ConcurrentHashMap<>()).put(id, Optional.ofNullable(bytes));
    }

    /** What the run wrote to the record (empty: deleted), or null when it did not touch it. */
    private Optional<byte[]> own(List<String> chain, String id) {
        Map<String, Optional<byte[]>> here = written.get(chain);
        return here == null ? null : here.get(id);
    }

    @Override
    public Optional<StageLog> log() {
        return Optional.empty();
    }

    @Override
    public int open(List<String> stage) {
        return 0;
    }

    @Override
    public Optional<ObjectNode> read(List<String> chain, String id, SecretCodec codec) {
        Optional<byte[]> own = own(chain, id);
        if (own != null) {
            return own.map(bytes -> serde.readRecord(bytes, store.locate(chain, id), codec));
        }
        return readAhead.stored(new Key(chain, id), codec)
                .map(s -> serde.readRecord(s.bytes(), s.takeParsed(), () -> store.locate(chain, id), codec));
    }

    @Override
    public Map<String, ObjectNode> readBatch(List<String> chain, Collection<String> ids, SecretCodec codec) {
        Map<String, ObjectNode> out = new LinkedHashMap<>();
        for (String id : ids) {
            read(chain, id, codec).ifPresent(r -> out.put(id, r));
        }
        return out;
    }

    @Override
    public List<String> list(List<String> chain) {
        List<String> ids = readAhead.ids(chain);
        Map<String, Optional<byte[]>> here = written.get(chain);
        if (here == null || here.isEmpty()) {
            return ids;
        }
        TreeSet<String> merged = new TreeSet<>(ids);
        here.forEach((id, bytes) -> {
            if (bytes.isPresent()) {
                merged.add(id);
            } else {
                merged.remove(id);
            }
        });
        return new ArrayList<>(merged);
    }

    @Override
    public byte[] write(List<String> chain, String id, ObjectNode record, SecretCodec codec, Type type) {
        byte[] bytes = serialize(chain, id, record, codec);
        remember(chain, id, bytes);
        store.put(chain, id, bytes);
        return bytes;
    }

    @Override
    public void delete(List<String> chain, String id, String kind) {
        remember(chain, id, null);
        store.delete(chain, id);
    }

    @Override
    public Optional<byte[]> bytes(List<String> chain, String id) {
        Optional<byte[]> own = own(chain, id);
        return own != null ? own : readAhead.stored(new Key(chain, id)).map(Snapshot::bytes);
    }

    @Override
    public void importRecord(List<String> chain, String id, byte[] bytes, String source) {
        RecordCheck.check(serde, bytes, source + " (" + StateRepository.fqn(chain, id) + ")");
        remember(chain, id, bytes);
        store.put(chain, id, bytes);
    }

    @Override
    public void repair(Type type, List<String> chain, String id, String kind, byte[] bytes) {
        if (bytes != null) {
            RecordCheck.check(serde, bytes, store.locate(chain, id));
        }
        remember(chain, id, bytes);
        if (bytes == null) {
            store.delete(chain, id);
        } else {
            store.put(chain, id, bytes);
        }
    }

    @Override
    public void restore(List<StateStore.Write> writes) {
        writes.forEach(w -> remember(w.chain(), w.id(), w.json()));
        store.writeAll(writes);
    }

    @Override
    public void deleteScope(List<String> chain) {
        store.deleteScope(chain);
    }

    @Override
    public void flush() {
    }

    @Override
    public void saveIndex() {
    }

    @Override
    public void finishRun(boolean succeeded, Map<Action, Integer> counts, int failed, String failure) {
    }

    @Override
    public void guardAppends(StageGuard guard) {
    }
}
