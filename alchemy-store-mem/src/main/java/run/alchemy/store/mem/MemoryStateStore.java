package run.alchemy.store.mem;

import run.alchemy.api.spi.LogStore;
import run.alchemy.api.spi.StateStore;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A state store in this JVM's memory, with an event log per stage, so that the whole engine runs
 * on it as on files or S3: snapshots, history, the stage lease, compaction. Made for unit tests of
 * providers and programs: fast, nothing to clean up, every contract of {@link StateStore} and
 * {@link LogStore} kept (the conformance suites of alchemy-testkit run on it).
 *
 * <p>The records live as long as the storage is referenced. {@link #close()} keeps them, so one
 * instance can be passed to several runs ({@code Stage.stateStore(StateStore)} closes the
 * store with each app): a deploy, a redeploy, a destroy, then {@code history()}, all on one storage.
 * {@link #reopen()} gives another instance on the same storage, as a second process would open the
 * same directory or bucket (for tests of two runs at once).
 *
 * <p>The URI {@code mem:NAME} (through {@code StateStores.open} or
 * {@code Stage.stateStore(String)}) opens a new, empty storage each time: the name only
 * labels it in messages. There is no registry of names (nothing static and mutable); to share a
 * storage, share the instance.
 *
 * <p>Thread-safe: every operation holds the storage's one lock, so each is atomic. Bytes are copied
 * in and out; no version tokens are listed, {@link #readScope} is not offered.
 */
public final class MemoryStateStore implements StateStore {
    private final Memory memory;

    private MemoryStateStore(Memory memory) {
        this.memory = memory;
    }

    /**
     * A new, empty storage named {@code memory} in messages.
     *
     * @return a store on it
     */
    public static MemoryStateStore create() {
        return create("memory");
    }

    /**
     * A new, empty storage with a name for messages; another storage of the same name shares nothing with it.
     *
     * @param name labels the storage in messages ({@code mem:NAME/app/stage/id})
     * @return a store on it
     * @throws NullPointerException if {@code name} is null
     */
    public static MemoryStateStore create(String name) {
        Objects.requireNonNull(name, "name");
        return new MemoryStateStore(new Memory(name));
    }

    /**
     * Another instance on this one's storage, closed independently, as a second process would open
     * the same directory or bucket.
     *
     * @return a store that sees this one's records and logs, and whose writes this one sees
     */
    public MemoryStateStore reopen() {
        return new MemoryStateStore(memory);
    }

    /**
     * The storage's name, for messages.
     *
     * @return the name given to {@link #create(String)}, or {@code memory}
     */
    public String name() {
        return memory.name();
    }

    @Override
    public Optional<byte[]> get(List<String> chain, String id) {
        return memory.get(chain, Objects.requireNonNull(id, "id"));
    }

    @Override
    public Map<String, byte[]> getBatch(List<String> chain, Collection<String> ids) {
        Map<String, byte[]> found = new LinkedHashMap<>();
        for (String id : ids) {
            get(chain, id).ifPresent(bytes -> found.put(id, bytes));
        }
        return found;
    }

    @Override
    public void put(List<String> chain, String id, byte[] json) {
        memory.put(chain, Objects.requireNonNull(id, "id"), Objects.requireNonNull(json, "json"));
    }

    @Override
    public void delete(List<String> chain, String id) {
        memory.delete(chain, Objects.requireNonNull(id, "id"));
    }

    @Override
    public Contents contents(List<String> chain) {
        return memory.contents(chain);
    }

    /** Removes the scope and the scopes below it when no record is left anywhere below it, as the file store does. */
    @Override
    public void deleteScope(List<String> chain) {
        memory.deleteScope(chain);
    }

    @Override
    public String locate(List<String> chain, String id) {
        StringBuilder s = new StringBuilder("mem:").append(memory.name());
        for (String name : chain) {
            s.append('/').append(name);
        }
        return s.append('/').append(id).toString();
    }

    @Override
    public Optional<LogStore> logStore(String app, String stage) {
        return Optional.of(new MemoryLogStore(memory, Objects.requireNonNull(app, "app"),
                Objects.requireNonNull(stage, "stage")));
    }

    @Override
    public Set<String> eventLogStages(String app) {
        return memory.logStages(app);
    }

    @Override
    public boolean hasLog(String app, String stage) {
        return memory.hasLog(app, stage);
    }

    /** Keeps the records: the storage lives as long as an instance on it is referenced. */
    @Override
    public void close() {
    }

    @Override
    public String toString() {
        return "MemoryStateStore(mem:" + memory.name() + ")";
    }
}
