package run.alchemy.store.mem;

import run.alchemy.api.spi.LogStore;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/** One stage's log in a {@link Memory}: opening it writes nothing, every call asks the storage anew. */
final class MemoryLogStore implements LogStore {
    private final Memory memory;
    private final String app;
    private final String stage;

    MemoryLogStore(Memory memory, String app, String stage) {
        this.memory = memory;
        this.app = app;
        this.stage = stage;
    }

    @Override
    public long head() {
        return memory.head(app, stage);
    }

    @Override
    public long append(long expectedHead, List<byte[]> records) {
        return memory.append(app, stage, expectedHead, records);
    }

    @Override
    public void read(long afterPosition, RecordVisitor visitor) {
        for (Map.Entry<Long, byte[]> e : memory.recordsAfter(app, stage, afterPosition)) {
            if (!visitor.visit(e.getKey(), e.getValue())) {
                return;
            }
        }
    }

    @Override
    public void dropBelow(long position) {
        memory.dropBelow(app, stage, position);
    }

    @Override
    public Optional<Control> control(String name) {
        return memory.control(app, stage, LogStore.checkName(name));
    }

    @Override
    public boolean createControl(String name, byte[] bytes) {
        return memory.createControl(app, stage, LogStore.checkName(name), bytes);
    }

    @Override
    public void putControl(String name, byte[] bytes) {
        memory.putControl(app, stage, LogStore.checkName(name), bytes);
    }

    @Override
    public void deleteControl(String name) {
        memory.deleteControl(app, stage, LogStore.checkName(name));
    }

    @Override
    public List<String> controls(String prefix) {
        return memory.controls(app, stage, prefix);
    }

    @Override
    public View view(String prefix) {
        return memory.view(app, stage, prefix);
    }

    @Override
    public String describe() {
        return "mem:" + memory.name() + " (log of " + app + "/" + stage + ")";
    }
}
