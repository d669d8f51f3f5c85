package run.alchemy.engine.internal.log;

import run.alchemy.api.spi.LogStore;

import java.util.List;
import java.util.Optional;

/** A log store that passes everything to another: tests override the call they hook. */
class ForwardingLogStore implements LogStore {
    private final LogStore inner;

    ForwardingLogStore(LogStore inner) {
        this.inner = inner;
    }

    @Override
    public long head() {
        return inner.head();
    }

    @Override
    public long append(long expectedHead, List<byte[]> records) {
        return inner.append(expectedHead, records);
    }

    @Override
    public void read(long afterPosition, RecordVisitor visitor) {
        inner.read(afterPosition, visitor);
    }

    @Override
    public void dropBelow(long position) {
        inner.dropBelow(position);
    }

    @Override
    public Optional<Control> control(String name) {
        return inner.control(name);
    }

    @Override
    public boolean createControl(String name, byte[] bytes) {
        return inner.createControl(name, bytes);
    }

    @Override
    public void putControl(String name, byte[] bytes) {
        inner.putControl(name, bytes);
    }

    @Override
    public void deleteControl(String name) {
        inner.deleteControl(name);
    }

    @Override
    public List<String> controls(String prefix) {
        return inner.controls(prefix);
    }

    @Override
    public String describe() {
        return inner.describe();
    }

    @Override
    public void close() {
        inner.close();
    }
}
