package run.alchemy.engine.internal.state;

import com.fasterxml.jackson.databind.node.ObjectNode;
import run.alchemy.api.Action;
import run.alchemy.engine.internal.log.StageLog;
import run.alchemy.api.spi.StateStore;
import run.alchemy.engine.internal.RecordCheck;
import run.alchemy.engine.internal.StateSerde;
import run.alchemy.engine.internal.log.EventCodec.Type;
import run.alchemy.engine.internal.secrets.SecretCodec;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** State without a log: every read and write goes straight to the store's snapshots. */
final class SnapshotRepository extends RecordAccess {

    SnapshotRepository(StateStore store, StateSerde serde) {
        super(store, serde);
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
        return store.get(chain, id).map(bytes -> serde.readRecord(bytes, store.locate(chain, id), codec));
    }

    @Override
    public Map<String, ObjectNode> readBatch(List<String> chain, Collection<String> ids, SecretCodec codec) {
        Map<String, ObjectNode> out = new LinkedHashMap<>();
        store.getBatch(chain, ids).forEach((id, bytes) -> out.put(id, serde.readRecord(bytes, store.locate(chain, id), codec)));
        return out;
    }

    @Override
    public List<String> list(List<String> chain) {
        return store.list(chain);
    }

    @Override
    public void write(List<String> chain, String id, ObjectNode record, SecretCodec codec, Type type) {
        store.put(chain, id, serialize(chain, id, record, codec));
    }

    @Override
    public void delete(List<String> chain, String id, String kind) {
        store.delete(chain, id);
    }

    @Override
    public Optional<byte[]> bytes(List<String> chain, String id) {
        return store.get(chain, id);
    }

    @Override
    public void importRecord(List<String> chain, String id, byte[] bytes, String source) {
        RecordCheck.check(serde, bytes, source + " (" + StateRepository.fqn(chain, id) + ")");
        store.put(chain, id, bytes);
    }

    @Override
    public void restore(List<StateStore.Write> writes) {
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
    public void finishRun(boolean succeeded, Map<Action, Integer> counts, int failed) {
    }

    @Override
    public void guardAppends(Runnable guard) {
    }
}
