package run.alchemy.interop;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import run.alchemy.api.Action;
import run.alchemy.api.AlchemyException;
import run.alchemy.api.Outcome;
import run.alchemy.api.Secret;
import run.alchemy.api.event.ResourceEvent;
import run.alchemy.api.event.ResourceEvent.Type;
import run.alchemy.engine.Address;
import run.alchemy.engine.Alchemy;
import run.alchemy.engine.History;
import run.alchemy.store.fs.FileSystemStateStore;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static run.alchemy.interop.TestStack.APP;
import static run.alchemy.interop.TestStack.PASSWORD;
import static run.alchemy.interop.TestStack.SECRET_ENV;
import static run.alchemy.interop.TestStack.SECRET_VALUE;
import static run.alchemy.interop.TestStack.STAGE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Round trips between the Java engine and the real Alchemy 0.94.0 (node/deploy.mjs) on one
 * {@code .alchemy} directory: each side must skip what the other deployed, see the other's
 * changes, and delete / destroy what the other created.
 */
@Timeout(value = 600, unit = TimeUnit.SECONDS)
class RealAlchemyRoundTripTest {
    private static final long CLASS_START = System.nanoTime();

    private static RealAlchemy node;

    @TempDir
    Path tmp;

    @BeforeAll
    static void setUp() {
        node = new RealAlchemy(PASSWORD);
    }

    @AfterAll
    static void timing() {
        System.out.printf("[interop] RealAlchemyRoundTripTest took %d ms%n", (System.nanoTime() - CLASS_START) / 1_000_000);
    }

    // ------------------------------------------------------------------ the program

    private TestStack stack(boolean withFolder) {
        return TestStack.sample(APP, STAGE, tmp.resolve("out"), new TestStack.SecretRef(SECRET_ENV, SECRET_VALUE), withFolder);
    }

    private Path workdir() {
        return tmp.resolve("work");
    }

    private Path stateDir() {
        return workdir().resolve(".alchemy");
    }

    // ------------------------------------------------------------------ the Java side

    private JavaRun java(TestStack stack) {
        return java(stack, PASSWORD);
    }

    private JavaRun java(TestStack stack, String password) {
        List<Outcome> outcomes = Collections.synchronizedList(new ArrayList<>());
        Map<String, Object> outputs;
        long start = System.nanoTime();
        try (Alchemy app = Alchemy.app(stack.app()).stage(stack.stage()).password(password)
                .environment(Map.of())
                .stateStore(new FileSystemStateStore(workdir().resolve(".alchemy")))
                .provider(ValueProvider.VALUE)
                .listener(outcomes::add)
                .open()) {
            outputs = stack.applyTo(app);
        }
        System.out.printf("[interop] java run in %d ms: %s%n", (System.nanoTime() - start) / 1_000_000, outcomes);
        return new JavaRun(List.copyOf(outcomes), outputs);
    }

    private static String fqn(String... parts) {
        return APP + "/" + STAGE + "/" + String.join("/", parts);
    }

    private static String content(String path) throws IOException {
        return Files.readString(Path.of(path), StandardCharsets.UTF_8);
    }

    private static String path(TestStack stack, String id) {
        return (String) stack.find(id).props().get("path");
    }

    private void assertFilesOnDisk(TestStack stack) throws IOException {
        for (TestStack.Res r : stack.all().values()) {
            if (r.kind().equals(TestStack.FILE)) {
                assertEquals(r.props().get("content"), content(path(stack, r.id())), "content of " + r.id());
            } else if (r.kind().equals(TestStack.FOLDER)) {
                assertTrue(Files.isDirectory(Path.of(path(stack, r.id()))), "folder " + r.id());
            }
        }
    }

    // ------------------------------------------------------------------ tests

    @Test
    void javaDeploysThenRealAlchemySkipsEverything() throws IOException {
        TestStack stack = stack(true);

        JavaRun first = java(stack);
        assertEquals(stack.expect(Action.CREATED, Map.of()), first.actions(), "Java's first deploy");
        assertFilesOnDisk(stack);
        Map<String, String> before = StateSnapshot.of(stateDir());
        // layout as Alchemy's FileSystemStateStore: '/' in ids as ':', scope records and scope directories
        assertEquals(new TreeSet<>(Set.of(
                APP + "/" + STAGE + "/readme.json",
                APP + "/" + STAGE + "/docs:guide.json",
                APP + "/" + STAGE + "/assets.json",
                APP + "/" + STAGE + "/api.json",
                APP + "/" + STAGE + "/child.json",
                APP + "/" + STAGE + "/child/nested.json")), before.keySet(), "state files written by Java");
        assertFalse(before.get(APP + "/" + STAGE + "/api.json").contains(SECRET_VALUE),
                "the secret must be stored encrypted");

        RealAlchemy.Report report = node.deploy(stack, workdir());
        assertEquals(List.of(), report.written(), "the real Alchemy must skip everything Java deployed; stderr:\n"
                + report.stderr());
        assertEquals(List.of(), report.deleted(), "the real Alchemy must delete nothing");
        assertEquals(before, StateSnapshot.of(stateDir()), "state files changed by the real Alchemy's re-run");
        assertFilesOnDisk(stack);
    }

    @Test
    void realAlchemyDeploysThenJavaSkipsEverything() throws IOException {
        TestStack stack = stack(true);

        RealAlchemy.Report report = node.deploy(stack, workdir());
        assertEquals(new TreeSet<>(stack.recordFqns()), new TreeSet<>(report.written()),
                "records written by the real Alchemy");
        assertFilesOnDisk(stack);
        Map<String, String> before = StateSnapshot.of(stateDir());
        assertTrue(before.containsKey(APP + "/" + STAGE + "/docs:guide.json"), before.keySet().toString());
        String apiRecord = before.get(APP + "/" + STAGE + "/api.json");
        assertTrue(apiRecord.contains("\"@secret\""), "Alchemy stored the secret tagged: " + apiRecord);
        assertFalse(apiRecord.contains(SECRET_VALUE), "Alchemy stored the secret encrypted");

        JavaRun run = java(stack);
        assertEquals(stack.expect(Action.SKIPPED, Map.of()), run.actions(),
                "Java must skip everything the real Alchemy deployed");
        assertEquals(before, StateSnapshot.of(stateDir()), "state files changed by Java's re-run");
        assertFilesOnDisk(stack);

        // ... and the skip really needed the password: with a wrong one Java cannot read the record.
        AlchemyException wrong = assertThrows(AlchemyException.class, () -> java(stack, "not-the-password"));
        assertFalse(String.valueOf(wrong.getMessage()).contains(SECRET_VALUE), "error message leaks the secret");
        assertEquals(before, StateSnapshot.of(stateDir()), "a run with the wrong password changed state files");

        // The skip compared plaintexts: the secret written by Alchemy was decrypted, and the stored
        // output handed back to the program holds it as a Secret.
        Object api = run.outputs().get(fqn("api"));
        Map<?, ?> output = assertInstanceOf(Map.class, api, "output of api");
        Secret key = assertInstanceOf(Secret.class, output.get("key"), "output key of api");
        assertEquals(SECRET_VALUE, key.reveal());
        assertEquals("https://example.test/api?x=1&y=2", output.get("url"));
    }

    @Test
    void changesMadeByOneSideAreSeenByTheOther() throws IOException {
        TestStack original = stack(true);

        // 1. Java deploys
        assertEquals(original.expect(Action.CREATED, Map.of()), java(original).actions());

        // 2. Alchemy deploys with readme changed: exactly that resource is written
        TestStack changed = original.withContent("readme", "changed by the real Alchemy\n");
        RealAlchemy.Report report = node.deploy(changed, workdir());
        assertEquals(List.of(fqn("readme")), report.written(), "stderr:\n" + report.stderr());
        assertEquals(List.of(), report.deleted());
        assertFilesOnDisk(changed);
        String readmeRecord = StateSnapshot.of(stateDir()).get(APP + "/" + STAGE + "/readme.json");
        assertTrue(readmeRecord.contains("\"status\": \"updated\""), readmeRecord);
        assertTrue(readmeRecord.contains("changed by the real Alchemy"), readmeRecord);

        // 3. Java with the original content: updates readme only
        Map<String, String> beforeUpdate = StateSnapshot.of(stateDir());
        assertEquals(original.expect(Action.SKIPPED, Map.of(fqn("readme"), Action.UPDATED)), java(original).actions());
        assertFilesOnDisk(original);
        Map<String, String> afterUpdate = StateSnapshot.of(stateDir());
        assertEquals(beforeUpdate.keySet(), afterUpdate.keySet());
        for (String file : beforeUpdate.keySet()) {
            if (file.equals(APP + "/" + STAGE + "/readme.json")) {
                assertFalse(beforeUpdate.get(file).equals(afterUpdate.get(file)), "readme's record must be rewritten");
            } else {
                assertEquals(beforeUpdate.get(file), afterUpdate.get(file), file + " must not change");
            }
        }

        // The log adopted Alchemy's change as an external change before Java updated the record again.
        try (History h = Alchemy.app(original.app()).stage(original.stage()).password(PASSWORD)
                .stateStore(new FileSystemStateStore(workdir().resolve(".alchemy"))).history()) {
            List<ResourceEvent> readme = h.of(new Address(List.of(APP, STAGE), "readme"));
            List<Type> types = readme.stream().map(ResourceEvent::type).toList();
            assertEquals(List.of(Type.DECLARED, Type.CREATING, Type.CREATED, Type.EXTERNAL_CHANGE, Type.UPDATING, Type.UPDATED), types);
            assertTrue(readme.get(3).snapshot().contains("changed by the real Alchemy"));
            assertTrue(h.verify().ok(), h.verify().toString());
        }

        // 4. Java without docs/guide: deletes it (record and file)
        TestStack reduced = original.without("docs/guide");
        String guidePath = path(original, "docs/guide");
        assertTrue(Files.exists(Path.of(guidePath)));
        assertEquals(reduced.expect(Action.SKIPPED, Map.of(fqn("docs/guide"), Action.DELETED)), java(reduced).actions());
        assertFalse(Files.exists(Path.of(guidePath)), "the file of the deleted resource must be gone");
        Map<String, String> afterDelete = StateSnapshot.of(stateDir());
        assertFalse(afterDelete.containsKey(APP + "/" + STAGE + "/docs:guide.json"), afterDelete.keySet().toString());
        assertFilesOnDisk(reduced);

        // 5. Alchemy with the same reduced stack: nothing to do
        RealAlchemy.Report last = node.deploy(reduced, workdir());
        assertEquals(List.of(), last.written(), "stderr:\n" + last.stderr());
        assertEquals(List.of(), last.deleted(), "stderr:\n" + last.stderr());
        assertEquals(afterDelete, StateSnapshot.of(stateDir()));
        assertFilesOnDisk(reduced);
    }

    @Test
    void realAlchemyDestroysWhatJavaDeployed() throws IOException {
        // no fs::Folder: Alchemy 0.94's Folder delete is unreliable on Linux
        TestStack stack = stack(false);
        assertEquals(stack.expect(Action.CREATED, Map.of()), java(stack).actions());
        assertFilesOnDisk(stack);
        Set<String> records = StateSnapshot.of(stateDir()).keySet();
        assertEquals(stack.recordFqns().size(), records.size(), records.toString());

        RealAlchemy.Report report = node.destroy(stack, workdir());
        assertEquals(new TreeSet<>(stack.recordFqns()), new TreeSet<>(report.deleted()),
                "records deleted by the real Alchemy's destroy; stderr:\n" + report.stderr());
        assertEquals(List.of(), report.written());

        assertEquals(Map.of(), StateSnapshot.of(stateDir()), "no state file may be left");
        try (Stream<Path> left = Files.walk(stateDir())) {
            assertEquals(List.of("", APP), left.map(p -> stateDir().relativize(p).toString().replace('\\', '/'))
                    .filter(p -> !p.startsWith(".alchemy-java")).sorted().collect(Collectors.toList()),
                    "only the empty app directory may be left (besides alchemy-java's own log)");
        }
        for (TestStack.Res r : stack.all().values()) {
            if (r.kind().equals(TestStack.FILE)) {
                assertFalse(Files.exists(Path.of(path(stack, r.id()))), "file of " + r.id() + " must be deleted");
            }
        }
    }
}
