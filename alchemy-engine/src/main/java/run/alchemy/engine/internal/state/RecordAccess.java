package run.alchemy.engine.internal.state;

import com.fasterxml.jackson.databind.node.ObjectNode;
import run.alchemy.api.event.ResourceEvent.Type;
import run.alchemy.api.spi.StateStore;
import run.alchemy.engine.internal.StateSerde;
import run.alchemy.engine.internal.secrets.SecretCodec;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;

/** What both repositories share: the store, the record codec and per-record update locks. */
abstract class RecordAccess implements StateRepository {
    final StateStore store;
    final StateSerde serde;
    /** One monitor per record fqn: serialises read-modify-write updates of that record. */
    private final Map<String, Object> recordLocks = new ConcurrentHashMap<>();

    RecordAccess(StateStore store, StateSerde serde) {
        this.store = store;
        this.serde = serde;
    }

    @Override
    public StateStore store() {
        return store;
    }

    @Override
    public List<String> listScopes(List<String> chain) {
        return store.listScopes(chain);
    }

    @Override
    public String locate(List<String> chain, String id) {
        return store.locate(chain, id);
    }

    @Override
    public void update(List<String> chain, String id, SecretCodec codec, Type type, UnaryOperator<ObjectNode> change) {
        Object lock = recordLocks.computeIfAbsent(StateRepository.fqn(chain, id), k -> new Object());
        synchronized (lock) {
            ObjectNode next = change.apply(read(chain, id, codec).orElse(null));
            if (next != null) {
                write(chain, id, next, codec, type);
            }
        }
    }

    byte[] serialize(List<String> chain, String id, ObjectNode record, SecretCodec codec) {
        return serde.writeRecord(record, StateRepository.fqn(chain, id), codec);
    }
}
