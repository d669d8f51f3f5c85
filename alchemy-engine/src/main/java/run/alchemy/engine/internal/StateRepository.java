package run.alchemy.engine.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import run.alchemy.api.spi.StateStore;
import run.alchemy.engine.internal.secrets.SecretCodec;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;

/**
 * The one seam through which every state read and write passes: it turns records into bytes
 * (serialize, encrypt) and back, and talks to the store. The event log slots in here.
 */
public final class StateRepository {
    private final StateStore store;
    private final StateSerde serde;
    private final Map<String, Object> recordLocks = new ConcurrentHashMap<>();

    public StateRepository(StateStore store, StateSerde serde) {
        this.store = store;
        this.serde = serde;
    }

    public StateStore store() {
        return store;
    }

    /** The record, deserialized with secrets opened by {@code codec} (the password of its scope). */
    public Optional<ObjectNode> read(List<String> chain, String id, SecretCodec codec) {
        return store.get(chain, id).map(bytes -> serde.readRecord(bytes, store.locate(chain, id), codec));
    }

    /** The records that exist among {@code ids}, read in one batch. */
    public Map<String, ObjectNode> readBatch(List<String> chain, Collection<String> ids, SecretCodec codec) {
        Map<String, ObjectNode> out = new LinkedHashMap<>();
        store.getBatch(chain, ids).forEach((id, bytes) ->
                out.put(id, serde.readRecord(bytes, store.locate(chain, id), codec)));
        return out;
    }

    public void write(List<String> chain, String id, ObjectNode record, SecretCodec codec) {
        store.put(chain, id, serde.writeRecord(record, fqn(chain, id), codec));
    }

    public void delete(List<String> chain, String id) {
        store.delete(chain, id);
    }

    /**
     * Read-modify-write of one record, serialised against other updates of the same record in
     * this process. {@code change} gets the current record (or null) and returns the new one, or
     * null to write nothing.
     */
    public void update(List<String> chain, String id, SecretCodec codec, UnaryOperator<ObjectNode> change) {
        Object lock = recordLocks.computeIfAbsent(fqn(chain, id), k -> new Object());
        synchronized (lock) {
            ObjectNode next = change.apply(read(chain, id, codec).orElse(null));
            if (next != null) {
                write(chain, id, next, codec);
            }
        }
    }

    public List<String> listScopes(List<String> chain) {
        return store.listScopes(chain);
    }

    public List<String> list(List<String> chain) {
        return store.list(chain);
    }

    public void deleteScope(List<String> chain) {
        store.deleteScope(chain);
    }

    public String locate(List<String> chain, String id) {
        return store.locate(chain, id);
    }

    static String fqn(List<String> chain, String id) {
        return String.join("/", chain) + "/" + id;
    }

    static List<String> child(List<String> chain, String name) {
        List<String> c = new ArrayList<>(chain.size() + 1);
        c.addAll(chain);
        c.add(name);
        return List.copyOf(c);
    }
}
