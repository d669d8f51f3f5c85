package run.alchemy.engine;

import run.alchemy.api.spi.LogStore;
import run.alchemy.api.spi.StateStore;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** A store that passes everything to another: tests override what they change (a hidden log, failing reads). */
abstract class ForwardingStore implements StateStore {
    private final StateStore inner;

    ForwardingStore(StateStore inner) {
        this.inner = inner;
    }

    @Override
    public Optional<byte[]> get(List<String> chain, String id) {
        return inner.get(chain, id);
    }

    @Override
    public Map<String, byte[]> getBatch(List<String> chain, Collection<String> ids) {
        return inner.getBatch(chain, ids);
    }

    @Override
    public void put(List<String> chain, String id, byte[] json) {
        inner.put(chain, id, json);
    }

    @Override
    public void delete(List<String> chain, String id) {
        inner.delete(chain, id);
    }

    @Override
    public Contents contents(List<String> chain) {
        return inner.contents(chain);
    }

    @Override
    public void deleteScope(List<String> chain) {
        inner.deleteScope(chain);
    }

    @Override
    public String locate(List<String> chain, String id) {
        return inner.locate(chain, id);
    }

    @Override
    public boolean prefersBatchReads() {
        return inner.prefersBatchReads();
    }

    @Override
    public boolean confirmsAbsenceByReading(String id, Set<String> scopes) {
        return inner.confirmsAbsenceByReading(id, scopes);
    }

    @Override
    public void writeAll(List<Write> writes) {
        inner.writeAll(writes);
    }

    @Override
    public void sync() {
        inner.sync();
    }

    @Override
    public Optional<LogStore> logStore(String app, String stage) {
        return inner.logStore(app, stage);
    }

    @Override
    public boolean hasLog(String app, String stage) {
        return inner.hasLog(app, stage);
    }
}
