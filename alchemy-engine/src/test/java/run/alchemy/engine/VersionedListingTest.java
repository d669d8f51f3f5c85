package run.alchemy.engine;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import run.alchemy.api.Phase;
import run.alchemy.store.fs.FileSystemStateStore;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A store whose listing names each record's version (as S3 and R2 list ETags): a no-op redeploy
 * reads no record whose listed version is the one the log last projected, and still reads, and
 * adopts, one changed behind the log's back.
 */
class VersionedListingTest {
    private static final int N = 50;

    @TempDir
    Path dir;

    /** The file-system store with a listing that names each record's version (the SHA-1 of its bytes), counting record reads. */
    private static final class Versioned extends ForwardingStore {
        final FileSystemStateStore files;
        final boolean versionsOnWrite;
        final AtomicInteger recordsRead = new AtomicInteger();

        Versioned(Path root, boolean versionsOnWrite) {
            this(new FileSystemStateStore(root), versionsOnWrite);
        }

        private Versioned(FileSystemStateStore files, boolean versionsOnWrite) {
            super(files);
            this.files = files;
            this.versionsOnWrite = versionsOnWrite;
        }

        static String version(byte[] bytes) {
            try {
                return "\"" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(bytes)) + "\"";
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public Optional<byte[]> get(List<String> chain, String id) {
            recordsRead.incrementAndGet();
            return files.get(chain, id);
        }

        @Override
        public Map<String, byte[]> getBatch(List<String> chain, Collection<String> ids) {
            recordsRead.addAndGet(ids.size());
            return files.getBatch(chain, ids);
        }

        @Override
        public List<String> writeAllVersioned(List<Write> writes) {
            files.writeAll(writes);
            List<String> versions = new ArrayList<>();
            writes.forEach(w -> versions.add(versionsOnWrite && w.json() != null ? version(w.json()) : null));
            return versions;
        }

        @Override
        public Contents contents(List<String> chain) {
            Contents listed = files.contents(chain);
            Map<String, String> versions = new HashMap<>();
            listed.ids().forEach(id -> files.get(chain, id).ifPresent(b -> versions.put(id, version(b))));
            return new Contents(listed.ids(), listed.scopes(), versions);
        }

        @Override
        public boolean prefersBatchReads() {
            return true;
        }

        /** As S3 and R2: nothing but a record stands where a record would be. */
        @Override
        public boolean confirmsAbsenceByReading(String id, Set<String> scopes) {
            return false;
        }
    }

    private final Thing thing = new Thing();
    private final List<String> actions = new ArrayList<>();

    /** Deploys N things (the first {@code changed} with another name) and answers how many records it read. */
    private int deploy(Versioned store, int changed) {
        actions.clear();
        thing.calls.clear();
        int before = store.recordsRead.get();
        Alchemy.app("app").stage("dev").phase(Phase.UP).environment(Map.of()).stateStore(store)
                .listener(o -> {
                    synchronized (actions) {
                        actions.add(o.action().tag());
                    }
                })
                .run(a -> {
                    for (int i = 0; i < N; i++) {
                        a.apply("r" + i, thing, new Thing.Props(i < changed ? "changed-" + i : "name-" + i));
                    }
                });
        return store.recordsRead.get() - before;
    }

    private long count(String action) {
        return actions.stream().filter(action::equals).count();
    }

    @Test
    void aNoOpReadsNoRecordWhoseListedVersionIsTheProjectedOne() throws Exception {
        Versioned store = new Versioned(dir.resolve(".alchemy"), true);
        deploy(store, 0);
        assertEquals(N, count("[created]"));
        assertEquals(0, deploy(store, 0), "every version is the one the puts answered");
        assertEquals(N, count("[skipped]"));
        deploy(store, 2);
        assertEquals(2, count("[updated]"));
        assertEquals(0, deploy(store, 2), "the changed records' versions came with their puts");
        assertEquals(N, count("[skipped]"));

        Path r7 = dir.resolve(".alchemy/app/dev/r7.json");
        Files.writeString(r7, Files.readString(r7).replace("name-7", "by-hand"));
        assertEquals(1, deploy(store, 2), "only the record edited behind the log's back is read");
        assertEquals(List.of(N - 1L, 1L), List.of(count("[skipped]"), count("[updated]")),
                "the edit is adopted and the program's props are put back");
        assertTrue(Files.readString(r7).contains("name-7"));
        try (History h = Alchemy.app("app").stage("dev").environment(Map.of()).stateStore(store).history()) {
            assertTrue(h.verify().ok(), h.verify().toString());
            assertEquals(1, h.events().stream().filter(e -> e instanceof run.alchemy.api.event.ResourceEvent r
                    && r.type() == run.alchemy.api.event.ResourceEvent.Type.EXTERNAL_CHANGE).count());
        }
    }

    @Test
    void withoutVersionsFromWritesTheNextNoOpReadsOnlyWhatChanged() {
        Versioned store = new Versioned(dir.resolve(".alchemy"), false);
        deploy(store, 0);
        assertEquals(N, deploy(store, 0), "the first no-op reads every record, and learns their versions");
        assertEquals(0, deploy(store, 0));
        deploy(store, 3);
        assertEquals(3, deploy(store, 3), "then only the records the change wrote");
        assertEquals(N, count("[skipped]"));
        assertEquals(0, deploy(store, 3));
    }

    @Test
    void aDamagedBodyInTheIndexIsReadFromTheStoreInstead() throws Exception {
        Versioned store = new Versioned(dir.resolve(".alchemy"), true);
        deploy(store, 0);
        Path index = dir.resolve(".alchemy/.alchemy-java/app/dev/index");
        String text = Files.readString(index, StandardCharsets.UTF_8);
        assertTrue(text.contains("\"name-4\""), "the index keeps the projected bodies");
        Files.writeString(index, text.replace("\"name-4\"", "\"name-X\""), StandardCharsets.UTF_8);
        assertEquals(1, deploy(store, 0), "a body that no longer hashes to its line is not used");
        assertEquals(N, count("[skipped]"));
        assertEquals(0, thing.calls.size());
    }
}
