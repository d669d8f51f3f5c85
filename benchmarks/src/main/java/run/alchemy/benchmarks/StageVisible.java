package run.alchemy.benchmarks;

import run.alchemy.api.spi.LogStore;
import run.alchemy.api.spi.StateStore;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A store that shows the stage as a child scope of its app scope, as a file system does: the
 * stand-in for a fix, used by {@link DoBenchmark} for destroy only. Everything else is the
 * wrapped store's (every method delegated, the defaults too), so the requests are its own.
 *
 * <p>Why: on the Durable Object store each stage lives in a Durable Object of its own, so the app
 * scope's {@code contents} (another Durable Object) shows no stages. In {@code Phase.DESTROY} the
 * engine reads the app scope first (the stage's owner record, for pending deletions), and its
 * read-ahead then takes the stage to be "known empty" (ReadAhead.knownEmpty: the parent was
 * listed with no child container of that name) and never lists it: the destroy deletes nothing
 * and reports nothing. With the stage shown here the engine lists it as it would after the fix
 * (one {@code contents} request), so the figures are those of a working destroy.
 */
final class StageVisible implements StateStore {
    private final StateStore store;
    private final String app;
    private final String stage;

    StageVisible(StateStore store, String app, String stage) {
        this.store = store;
        this.app = app;
        this.stage = stage;
    }

    @Override
    public Contents contents(List<String> chain) {
        Contents c = store.contents(chain);
        if (chain.equals(List.of(app)) && !c.scopes().contains(stage)) {
            List<String> scopes = new ArrayList<>(c.scopes());
            scopes.add(stage);
            scopes.sort(null);
            return new Contents(c.ids(), scopes);
        }
        return c;
    }

    @Override
    public List<String> list(List<String> chain) {
        return chain.equals(List.of(app)) ? contents(chain).ids() : store.list(chain);
    }

    @Override
    public List<String> listScopes(List<String> chain) {
        return contents(chain).scopes();
    }

    @Override
    public Optional<byte[]> get(List<String> chain, String id) {
        return store.get(chain, id);
    }

    @Override
    public Map<String, byte[]> getBatch(List<String> chain, Collection<String> ids) {
        return store.getBatch(chain, ids);
    }

    @Override
    public void put(List<String> chain, String id, byte[] json) {
        store.put(chain, id, json);
    }

    @Override
    public void delete(List<String> chain, String id) {
        store.delete(chain, id);
    }

    @Override
    public void writeAll(List<Write> writes) {
        store.writeAll(writes);
    }

    @Override
    public void deleteScope(List<String> chain) {
        store.deleteScope(chain);
    }

    @Override
    public String locate(List<String> chain, String id) {
        return store.locate(chain, id);
    }

    @Override
    public boolean prefersBatchReads() {
        return store.prefersBatchReads();
    }

    @Override
    public boolean confirmsAbsenceByReading() {
        return store.confirmsAbsenceByReading();
    }

    @Override
    public void sync() {
        store.sync();
    }

    @Override
    public Optional<LogStore> logStore(String app, String stage) {
        return store.logStore(app, stage);
    }

    @Override
    public Set<String> eventLogStages(String app) {
        return store.eventLogStages(app);
    }

    @Override
    public boolean hasLog(String app, String stage) {
        return store.hasLog(app, stage);
    }

    @Override
    public Optional<String> missingLogReason() {
        return store.missingLogReason();
    }

    @Override
    public void close() {
        store.close();
    }
}
