package run.alchemy.interop;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import run.alchemy.api.Action;
import run.alchemy.api.AlchemyException;
import run.alchemy.api.Outcome;
import run.alchemy.api.Phase;
import run.alchemy.api.Secret;
import run.alchemy.api.event.ResourceEvent;
import run.alchemy.api.event.ResourceEvent.Type;
import run.alchemy.engine.Address;
import run.alchemy.engine.Alchemy;
import run.alchemy.engine.History;
import run.alchemy.store.s3.testkit.LocalS3;
import run.alchemy.store.s3.S3StateStore;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;

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

import static run.alchemy.interop.TestStack.APP;
import static run.alchemy.interop.TestStack.PASSWORD;
import static run.alchemy.interop.TestStack.SECRET_ENV;
import static run.alchemy.interop.TestStack.SECRET_VALUE;
import static run.alchemy.interop.TestStack.STAGE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Round trips between the Java engine with its {@link S3StateStore} and the real Alchemy 0.94.0's
 * {@code S3StateStore} (from {@code alchemy/aws}, through node/deploy.mjs, its S3 client pointed at
 * the same local S3 API server with path-style addressing) on one bucket: each side must skip what
 * the other deployed, see the other's changes, and delete / destroy what the other created; the
 * objects are where Alchemy puts them ({@code alchemy/<app>/<stage>/<id with / as :>}), and the
 * event log of alchemy-java ({@code alchemy/.alchemy-java/…}) is never taken for state by Alchemy.
 *
 * <p>On Alchemy's side, list() is deploy.mjs's {@code --s3-list one-level} (a ListObjectsV2 with
 * Delimiter "/") in all but {@link #alchemysOwnListReadsJavaStateButItsFinalizeCrashes}: 0.94's own
 * list() is recursive, and its finalize then crashes whenever a stage has records (spec §7.7, shown
 * by that test on a bucket only Alchemy wrote as well), so no run of the unmodified store can end
 * cleanly or delete an orphan. Everything else (init, get, set, delete, keys, JSON) is Alchemy's code.
 */
@Timeout(value = 600, unit = TimeUnit.SECONDS)
class S3InteropTest {
    /** Alchemy's default prefix ({@code alchemy/}) and the stage's chain: where both sides keep its records. */
    private static final String STAGE_KEYS = "alchemy/" + APP + "/" + STAGE + "/";
    /** Where alchemy-java keeps the stage's event log, outside every prefix Alchemy lists for the app. */
    private static final String LOG_KEYS = "alchemy/.alchemy-java/" + APP + "/" + STAGE + "/";
    private static final long CLASS_START = System.nanoTime();

    private static LocalS3 s3;

    @TempDir
    Path tmp;

    private String bucket;
    /** The key prefix both sides are configured with; null: none, so Alchemy's default "alchemy/". */
    private String prefix;

    @BeforeAll
    static void startServer() throws Exception {
        s3 = LocalS3.start();
    }

    @AfterAll
    static void stopServer() throws Exception {
        if (s3 != null) {
            s3.close();
        }
        System.out.printf("[interop] S3InteropTest took %d ms%n", (System.nanoTime() - CLASS_START) / 1_000_000);
    }

    @BeforeEach
    void newBucket() {
        bucket = s3.newBucket();
    }

    /** The real Alchemy on this test's bucket, with deploy.mjs's one-level list (see the class comment). */
    private RealAlchemy node() {
        return RealAlchemy.onS3(PASSWORD, s3.uri(bucket, prefix), "one-level", s3.accessKey(), s3.secretKey());
    }

    /** The real Alchemy on this test's bucket, its S3StateStore entirely unmodified (list() included). */
    private RealAlchemy nodeWithAlchemysOwnList() {
        return RealAlchemy.onS3(PASSWORD, s3.uri(bucket, null), "alchemy", s3.accessKey(), s3.secretKey());
    }

    // ------------------------------------------------------------------ the program (as the fs round trip's)

    private TestStack stack(boolean withFolder) {
        return TestStack.sample(APP, STAGE, tmp.resolve("out"), new TestStack.SecretRef(SECRET_ENV, SECRET_VALUE), withFolder);
    }

    /** The working directory of the node runs (Alchemy's rootDir); with S3 state nothing may land in its .alchemy. */
    private Path workdir() {
        return tmp.resolve("work");
    }

    /** The object keys of the stack's records in Alchemy's layout: {@code alchemy/<app>/<stage>/<id, / as :>}. */
    private static Set<String> expectedKeys(TestStack stack) {
        Set<String> keys = new TreeSet<>();
        String stagePrefix = APP + "/" + STAGE + "/";
        for (String fqn : stack.recordFqns()) {
            assertTrue(fqn.startsWith(stagePrefix), fqn);
            String rest = fqn.substring(stagePrefix.length());
            // the scope "child" is a key segment; the id within its scope has its '/' as ':'
            int cut = rest.startsWith("child/") ? "child/".length() : 0;
            keys.add(STAGE_KEYS + rest.substring(0, cut) + rest.substring(cut).replace('/', ':'));
        }
        return keys;
    }

    // ------------------------------------------------------------------ the bucket

    /** The key of every object in the bucket. */
    private Set<String> allKeys() {
        Set<String> keys = new TreeSet<>();
        for (ListObjectsV2Response page : s3.client().listObjectsV2Paginator(b -> b.bucket(bucket))) {
            page.contents().forEach(o -> keys.add(o.key()));
        }
        return keys;
    }

    /**
     * The records: every object outside alchemy-java's event log (checked to be under the stage's
     * prefix), key → body (UTF-8) plus its sha256, like {@link StateSnapshot}.
     */
    private Map<String, String> state() {
        Map<String, String> state = new TreeMap<>();
        for (String key : allKeys()) {
            if (!key.startsWith("alchemy/.alchemy-java/")) {
                assertTrue(key.startsWith(STAGE_KEYS), "object outside the stage's prefix and the log: " + key);
                byte[] bytes = s3.client().getObjectAsBytes(b -> b.bucket(bucket).key(key)).asByteArray();
                state.put(key, new String(bytes, StandardCharsets.UTF_8) + "\n#sha256=" + sha256(bytes));
            }
        }
        return state;
    }

    /** The objects of alchemy-java's event log for the stage (and nothing else of alchemy-java's). */
    private Set<String> logKeys() {
        Set<String> keys = new TreeSet<>();
        for (String key : allKeys()) {
            if (key.startsWith("alchemy/.alchemy-java/")) {
                assertTrue(key.startsWith(LOG_KEYS), "alchemy-java object outside the stage's log: " + key);
                keys.add(key);
            }
        }
        return keys;
    }

    /** What Alchemy's own list() requests see for the app: ListObjectsV2 Prefix alchemy/<app>/, no delimiter. */
    private Set<String> keysAlchemyLists() {
        Set<String> keys = new TreeSet<>();
        for (ListObjectsV2Response page : s3.client().listObjectsV2Paginator(b -> b.bucket(bucket).prefix("alchemy/" + APP + "/"))) {
            page.contents().forEach(o -> keys.add(o.key()));
        }
        return keys;
    }

    private String body(String key) {
        ResponseBytes<GetObjectResponse> r = s3.client().getObjectAsBytes(b -> b.bucket(bucket).key(key));
        assertEquals("application/json", r.response().contentType(), "Content-Type of " + key);
        return r.asUtf8String();
    }

    /** Every record is 2-space JSON with Content-Type application/json, as Alchemy's set writes it. */
    private void assertRecordsAsAlchemyWritesThem() {
        for (String key : state().keySet()) {
            String text = body(key);
            assertTrue(text.startsWith("{\n  \"") && text.endsWith("\n}"), key + " is not 2-space JSON: " + text);
        }
    }

    private static String sha256(byte[] bytes) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    // ------------------------------------------------------------------ the Java side

    /** The Java engine's store: Java's S3StateStore on the same server and bucket, Alchemy's default prefix. */
    private S3StateStore javaStore() {
        return S3StateStore.builder().bucket(bucket).endpoint(s3.endpoint()).pathStyle(true).region(LocalS3.REGION)
                .credentials(s3.credentials()).prefix(prefix).build();
    }

    private JavaRun java(TestStack stack) {
        return java(stack, PASSWORD, Phase.UP);
    }

    private JavaRun java(TestStack stack, String password, Phase phase) {
        List<Outcome> outcomes = Collections.synchronizedList(new ArrayList<>());
        Map<String, Object> outputs = Map.of();
        long start = System.nanoTime();
        try (Alchemy app = Alchemy.app(stack.app()).stage(stack.stage()).password(password).phase(phase)
                .environment(Map.of())
                .stateStore(scope -> javaStore())
                .provider(ValueProvider.VALUE)
                .listener(outcomes::add)
                .open()) {
            if (phase != Phase.DESTROY) {
                outputs = stack.applyTo(app);
            }
        }
        System.out.printf("[interop] java %s run on S3 in %d ms: %s%n", phase, (System.nanoTime() - start) / 1_000_000,
                outcomes);
        return new JavaRun(List.copyOf(outcomes), outputs);
    }

    private History history() {
        return Alchemy.app(APP).stage(STAGE).password(PASSWORD).stateStore(scope -> javaStore()).history();
    }

    /** The event log folds to exactly the records in the bucket. */
    private void assertLogMatchesBucket() {
        try (History h = history()) {
            assertTrue(h.verify().ok(), h.verify().toString());
            Map<String, String> folded = new TreeMap<>();
            h.state().forEach((address, snapshot) -> folded.put(keyOf(address), snapshot));
            Map<String, String> stored = new TreeMap<>();
            state().keySet().forEach(key -> stored.put(key, body(key)));
            assertEquals(stored, folded, "the fold of the event log vs the records in the bucket");
        }
    }

    private static String keyOf(Address a) {
        return "alchemy/" + String.join("/", a.chain()) + "/" + a.id().replace('/', ':');
    }

    private static String fqn(String... parts) {
        return APP + "/" + STAGE + "/" + String.join("/", parts);
    }

    private static String path(TestStack stack, String id) {
        return (String) stack.find(id).props().get("path");
    }

    private void assertFilesOnDisk(TestStack stack) throws IOException {
        for (TestStack.Res r : stack.all().values()) {
            if (r.kind().equals(TestStack.FILE)) {
                assertEquals(r.props().get("content"), Files.readString(Path.of(path(stack, r.id())), StandardCharsets.UTF_8),
                        "content of " + r.id());
            } else if (r.kind().equals(TestStack.FOLDER)) {
                assertTrue(Files.isDirectory(Path.of(path(stack, r.id()))), "folder " + r.id());
            }
        }
    }

    private static void assertFilesDeleted(TestStack stack) {
        for (TestStack.Res r : stack.all().values()) {
            if (r.kind().equals(TestStack.FILE)) {
                assertFalse(Files.exists(Path.of(path(stack, r.id()))), "file of " + r.id() + " must be deleted");
            }
        }
    }

    /** State went to the bucket only: the real Alchemy wrote no FileSystemStateStore record in its root dir. */
    private void assertNoLocalState() throws IOException {
        Map<String, String> local = StateSnapshot.of(workdir().resolve(".alchemy"));
        assertEquals(Map.of(), local, "the real Alchemy wrote local state instead of S3 state");
    }

    // ------------------------------------------------------------------ tests

    @Test
    void javaDeploysThenRealAlchemySkipsEverything() throws IOException {
        TestStack stack = stack(true);

        JavaRun first = java(stack);
        assertEquals(stack.expect(Action.CREATED, Map.of()), first.actions(), "Java's first deploy");
        assertFilesOnDisk(stack);
        Map<String, String> before = state();
        assertEquals(Set.of(
                STAGE_KEYS + "readme",
                STAGE_KEYS + "docs:guide",
                STAGE_KEYS + "assets",
                STAGE_KEYS + "api",
                STAGE_KEYS + "child",
                STAGE_KEYS + "child/nested"), before.keySet(), "objects written by Java (Alchemy's layout)");
        assertEquals(expectedKeys(stack), before.keySet());
        assertRecordsAsAlchemyWritesThem();
        assertFalse(before.get(STAGE_KEYS + "api").contains(SECRET_VALUE), "the secret must be stored encrypted");
        assertTrue(before.get(STAGE_KEYS + "api").contains("\"@secret\""), before.get(STAGE_KEYS + "api"));
        Set<String> log = logKeys();
        assertFalse(log.isEmpty(), "Java keeps an event log in the bucket");
        assertTrue(keysAlchemyLists().stream().noneMatch(log::contains), "Alchemy's listing of the app sees the log");
        assertLogMatchesBucket();

        RealAlchemy.Report report = node().deploy(stack, workdir());
        assertEquals(List.of(), report.written(), "the real Alchemy must skip everything Java deployed; stderr:\n"
                + report.stderr());
        assertEquals(List.of(), report.deleted(), "the real Alchemy must delete nothing (no log object is an orphan)");
        assertEquals(before, state(), "objects changed by the real Alchemy's re-run");
        assertEquals(log, logKeys(), "the real Alchemy touched the event log");
        assertFilesOnDisk(stack);
        assertNoLocalState();

        // The skip needed the records as Java wrote them, secret included: with another password the
        // real Alchemy cannot read the record of api, and fails without writing anything.
        RealAlchemy wrongPassword = RealAlchemy.onS3("not-the-password", s3.uri(bucket, null), "one-level",
                s3.accessKey(), s3.secretKey());
        RealAlchemy.Report failed = wrongPassword.deployAllowingErrors(stack, workdir());
        assertEquals(1, failed.exitCode(), "with the wrong password the real Alchemy must fail; stderr:\n" + failed.stderr());
        assertFalse(failed.errors().isEmpty());
        assertFalse(String.join(" ", failed.errors()).contains(SECRET_VALUE), "error leaks the secret");
        assertEquals(List.of(), failed.written(), "written with the wrong password; stderr:\n" + failed.stderr());
        assertEquals(before, state());

        // ... and a second Java run skips everything too: both sides agree on the same records.
        assertEquals(stack.expect(Action.SKIPPED, Map.of()), java(stack).actions());
        assertEquals(before, state());
        assertLogMatchesBucket();
    }

    @Test
    void realAlchemyDeploysThenJavaSkipsEverything() throws IOException {
        TestStack stack = stack(true);

        RealAlchemy.Report report = node().deploy(stack, workdir());
        assertEquals(new TreeSet<>(stack.recordFqns()), new TreeSet<>(report.written()),
                "records written by the real Alchemy");
        assertFilesOnDisk(stack);
        assertNoLocalState();
        Map<String, String> before = state();
        assertEquals(expectedKeys(stack), before.keySet(), "objects written by the real Alchemy");
        assertTrue(before.containsKey(STAGE_KEYS + "docs:guide"), before.keySet().toString());
        assertEquals(Set.of(), logKeys(), "the real Alchemy writes no event log");
        assertRecordsAsAlchemyWritesThem();
        String apiRecord = before.get(STAGE_KEYS + "api");
        assertTrue(apiRecord.contains("\"@secret\""), "Alchemy stored the secret tagged: " + apiRecord);
        assertFalse(apiRecord.contains(SECRET_VALUE), "Alchemy stored the secret encrypted");

        // With the wrong password Java cannot read the record of api: an error, and nothing written.
        AlchemyException wrong = assertThrows(AlchemyException.class, () -> java(stack, "not-the-password", Phase.UP));
        assertFalse(String.valueOf(wrong.getMessage()).contains(SECRET_VALUE), "error message leaks the secret");
        assertEquals(before, state(), "a run with the wrong password changed objects");

        JavaRun run = java(stack);
        assertEquals(stack.expect(Action.SKIPPED, Map.of()), run.actions(),
                "Java must skip everything the real Alchemy deployed");
        assertEquals(before, state(), "objects changed by Java's re-run");
        assertFilesOnDisk(stack);

        // The skip compared plaintexts: the secret written by Alchemy was decrypted.
        Map<?, ?> output = assertInstanceOf(Map.class, run.outputs().get(fqn("api")), "output of api");
        Secret key = assertInstanceOf(Secret.class, output.get("key"), "output key of api");
        assertEquals(SECRET_VALUE, key.reveal());
        assertEquals("https://example.test/api?x=1&y=2", output.get("url"));

        // Java imported Alchemy's records into its event log, outside what Alchemy lists.
        Set<String> log = logKeys();
        assertFalse(log.isEmpty(), "Java's run imported the stage into an event log");
        assertTrue(keysAlchemyLists().stream().noneMatch(log::contains));
        assertLogMatchesBucket();
        try (History h = history()) {
            List<Type> types = h.of(new Address(List.of(APP, STAGE), "readme")).stream()
                    .map(ResourceEvent::type).toList();
            assertEquals(List.of(Type.IMPORTED), types, "readme's history after the import");
        }

        // A redeploy by each side skips everything again.
        assertEquals(stack.expect(Action.SKIPPED, Map.of()), java(stack).actions());
        RealAlchemy.Report again = node().deploy(stack, workdir());
        assertEquals(List.of(), again.written(), "stderr:\n" + again.stderr());
        assertEquals(List.of(), again.deleted(), "stderr:\n" + again.stderr());
        assertEquals(before, state());
    }

    @Test
    void changesMadeByOneSideAreSeenByTheOther() throws IOException {
        TestStack original = stack(true);

        // 1. Java deploys
        assertEquals(original.expect(Action.CREATED, Map.of()), java(original).actions());

        // 2. Alchemy deploys with readme changed: exactly that record is written
        TestStack changed = original.withContent("readme", "changed by the real Alchemy\n");
        RealAlchemy.Report report = node().deploy(changed, workdir());
        assertEquals(List.of(fqn("readme")), report.written(), "stderr:\n" + report.stderr());
        assertEquals(List.of(), report.deleted());
        assertFilesOnDisk(changed);
        String readmeRecord = state().get(STAGE_KEYS + "readme");
        assertTrue(readmeRecord.contains("\"status\": \"updated\""), readmeRecord);
        assertTrue(readmeRecord.contains("changed by the real Alchemy"), readmeRecord);

        // 3. Java with the original content: updates readme only
        Map<String, String> beforeUpdate = state();
        assertEquals(original.expect(Action.SKIPPED, Map.of(fqn("readme"), Action.UPDATED)), java(original).actions());
        assertFilesOnDisk(original);
        Map<String, String> afterUpdate = state();
        assertEquals(beforeUpdate.keySet(), afterUpdate.keySet());
        for (String key : beforeUpdate.keySet()) {
            if (key.equals(STAGE_KEYS + "readme")) {
                assertNotEquals(beforeUpdate.get(key), afterUpdate.get(key), "readme's record must be rewritten");
            } else {
                assertEquals(beforeUpdate.get(key), afterUpdate.get(key), key + " must not change");
            }
        }
        // The log adopted Alchemy's change as an external change before Java updated the record again.
        try (History h = history()) {
            List<ResourceEvent> readme = h.of(new Address(List.of(APP, STAGE), "readme"));
            List<Type> types = readme.stream().map(ResourceEvent::type).toList();
            assertEquals(List.of(Type.DECLARED, Type.CREATING, Type.CREATED, Type.EXTERNAL_CHANGE, Type.UPDATING, Type.UPDATED), types);
            assertTrue(readme.get(3).snapshot().contains("changed by the real Alchemy"));
        }
        assertLogMatchesBucket();

        // 4. Java without docs/guide: deletes it (object and file)
        TestStack reduced = original.without("docs/guide");
        String guidePath = path(original, "docs/guide");
        assertTrue(Files.exists(Path.of(guidePath)));
        assertEquals(reduced.expect(Action.SKIPPED, Map.of(fqn("docs/guide"), Action.DELETED)), java(reduced).actions());
        assertFalse(Files.exists(Path.of(guidePath)), "the file of the deleted resource must be gone");
        Map<String, String> afterDelete = state();
        assertEquals(expectedKeys(reduced), afterDelete.keySet());

        // 5. Alchemy with the same reduced stack: nothing to do
        RealAlchemy.Report same = node().deploy(reduced, workdir());
        assertEquals(List.of(), same.written(), "stderr:\n" + same.stderr());
        assertEquals(List.of(), same.deleted(), "stderr:\n" + same.stderr());
        assertEquals(afterDelete, state());

        // 6. Alchemy without api: its finalize deletes the orphan Java created (and nothing else)
        TestStack smaller = reduced.without("api");
        RealAlchemy.Report orphan = node().deploy(smaller, workdir());
        assertEquals(List.of(), orphan.written(), "stderr:\n" + orphan.stderr());
        assertEquals(List.of(fqn("api")), orphan.deleted(), "stderr:\n" + orphan.stderr());
        Map<String, String> afterAlchemyDelete = state();
        assertEquals(expectedKeys(smaller), afterAlchemyDelete.keySet());
        assertFilesOnDisk(smaller);

        // 7. Java with that stack: nothing to do, and its log adopts the deletion Alchemy made (finalize
        // lists the scope and notices the record the log still holds is gone).
        assertEquals(smaller.expect(Action.SKIPPED, Map.of()), java(smaller).actions());
        assertEquals(afterAlchemyDelete, state());
        assertLogMatchesBucket();

        // 8. Java declares api again: it sees that Alchemy deleted it (an external change) and creates it anew.
        JavaRun back = java(reduced);
        assertEquals(reduced.expect(Action.SKIPPED, Map.of(fqn("api"), Action.CREATED)), back.actions());
        assertEquals(expectedKeys(reduced), state().keySet());
        try (History h = history()) {
            List<ResourceEvent> api = h.of(new Address(List.of(APP, STAGE), "api"));
            List<String> types = api.stream().map(e -> e.type() + (e.snapshot() == null ? "(gone)" : "")).toList();
            assertEquals(List.of("DECLARED", "CREATING", "CREATED", "EXTERNAL_CHANGE(gone)", "DECLARED", "CREATING",
                    "CREATED"), types, "api's history");
        }
        assertLogMatchesBucket();
        assertNoLocalState();
    }

    @Test
    void realAlchemyDestroysWhatJavaDeployed() throws IOException {
        // no fs::Folder: Alchemy 0.94's Folder delete is unreliable on Linux
        TestStack stack = stack(false);
        assertEquals(stack.expect(Action.CREATED, Map.of()), java(stack).actions());
        assertFilesOnDisk(stack);
        assertEquals(expectedKeys(stack), state().keySet());
        Set<String> log = logKeys();

        // The destroy phase reads through all() (list, then get of each id, missing ones dropped), which
        // copes with 0.94's recursive list(): the store is Alchemy's own here, list() included.
        RealAlchemy.Report report = nodeWithAlchemysOwnList().destroy(stack, workdir());
        assertEquals(new TreeSet<>(stack.recordFqns()), new TreeSet<>(report.deleted()),
                "records deleted by the real Alchemy's destroy; stderr:\n" + report.stderr());
        assertEquals(List.of(), report.written());
        assertEquals(Map.of(), state(), "no record may be left");
        assertEquals(log, logKeys(), "only alchemy-java's event log is left, untouched");
        assertFilesDeleted(stack);

        // Java sees the stage empty (its log adopts the deletions) and creates everything again.
        assertEquals(stack.expect(Action.CREATED, Map.of()), java(stack).actions());
        assertEquals(expectedKeys(stack), state().keySet());
        assertLogMatchesBucket();
    }

    @Test
    void javaDestroysWhatRealAlchemyDeployed() throws IOException {
        TestStack stack = stack(false);
        RealAlchemy.Report report = node().deploy(stack, workdir());
        assertEquals(new TreeSet<>(stack.recordFqns()), new TreeSet<>(report.written()));
        assertEquals(expectedKeys(stack), state().keySet());

        JavaRun destroy = java(stack, PASSWORD, Phase.DESTROY);
        Map<String, Action> everyRecordDeleted = new TreeMap<>();
        stack.recordFqns().forEach(fqn -> everyRecordDeleted.put(fqn, Action.DELETED)); // the scope "child" too
        assertEquals(everyRecordDeleted, destroy.actions(), "Java's destroy");
        assertEquals(Map.of(), state(), "no record may be left");
        assertFilesDeleted(stack);
        assertLogMatchesBucket();

        // The real Alchemy sees the stage empty and creates everything again.
        RealAlchemy.Report again = node().deploy(stack, workdir());
        assertEquals(new TreeSet<>(stack.recordFqns()), new TreeSet<>(again.written()), "stderr:\n" + again.stderr());
        assertEquals(expectedKeys(stack), state().keySet());
        assertFilesOnDisk(stack);
    }

    /** Both sides put a configured prefix verbatim before the chain (no separator added), the log beside it. */
    @Test
    void aConfiguredPrefixIsUsedVerbatimByBothSides() throws IOException {
        prefix = "teams/web-";
        TestStack stack = stack(true);
        assertEquals(stack.expect(Action.CREATED, Map.of()), java(stack).actions());
        Set<String> expected = new TreeSet<>();
        expectedKeys(stack).forEach(k -> expected.add(prefix + k.substring("alchemy/".length())));
        Set<String> keys = allKeys();
        Set<String> records = keys.stream().filter(k -> !k.startsWith(prefix + ".alchemy-java/"))
                .collect(Collectors.toCollection(TreeSet::new));
        assertEquals(expected, records, "records under the verbatim prefix (e.g. teams/web-interop-app/test/readme)");
        assertTrue(keys.size() > records.size(), "the event log lives under " + prefix + ".alchemy-java/: " + keys);
        Map<String, String> before = new TreeMap<>();
        for (String k : keys) {
            before.put(k, s3.client().getObjectAsBytes(b -> b.bucket(bucket).key(k)).asUtf8String());
        }

        RealAlchemy.Report report = node().deploy(stack, workdir());
        assertEquals(List.of(), report.written(), "stderr:\n" + report.stderr());
        assertEquals(List.of(), report.deleted(), "stderr:\n" + report.stderr());
        Map<String, String> after = new TreeMap<>();
        for (String k : allKeys()) {
            after.put(k, s3.client().getObjectAsBytes(b -> b.bucket(bucket).key(k)).asUtf8String());
        }
        assertEquals(before, after, "objects changed by the real Alchemy's re-run");

        // and the other way round: a change by Alchemy under that prefix is seen by Java
        TestStack changed = stack.withContent("readme", "changed under a prefix\n");
        assertEquals(List.of(fqn("readme")), node().deploy(changed, workdir()).written());
        assertEquals(stack.expect(Action.SKIPPED, Map.of(fqn("readme"), Action.UPDATED)), java(stack).actions());
        assertFilesOnDisk(stack);
        assertNoLocalState();
    }

    /**
     * The unmodified S3StateStore of 0.94 (its recursive list() included) reads what Java wrote and
     * skips every resource; its finalize then crashes, as it does on a bucket only Alchemy ever wrote
     * (spec §7.7) — the reason the other tests run it with a one-level list().
     */
    @Test
    void alchemysOwnListReadsJavaStateButItsFinalizeCrashes() throws IOException {
        TestStack stack = stack(true);
        assertEquals(stack.expect(Action.CREATED, Map.of()), java(stack).actions());
        Map<String, String> before = state();
        Set<String> log = logKeys();

        RealAlchemy.Report report = nodeWithAlchemysOwnList().deployAllowingErrors(stack, workdir());
        assertEquals(List.of(), report.written(), "the unmodified store must skip everything Java deployed; stderr:\n"
                + report.stderr());
        assertEquals(List.of(), report.deleted());
        assertEquals(1, report.exitCode(), "0.94's finalize on S3 was expected to fail; stderr:\n" + report.stderr());
        assertEquals(List.of("Cannot read properties of undefined (reading 'output')"), report.errors());
        assertEquals(before, state());
        assertEquals(log, logKeys());

        // The same crash on a bucket that only the real Alchemy wrote: a defect of 0.94, not of Java's objects.
        bucket = s3.newBucket();
        RealAlchemy.Report alone = nodeWithAlchemysOwnList().deployAllowingErrors(stack, tmp.resolve("work2"));
        assertEquals(new TreeSet<>(stack.recordFqns()), new TreeSet<>(alone.written()), "stderr:\n" + alone.stderr());
        assertEquals(List.of("Cannot read properties of undefined (reading 'output')"), alone.errors());
        assertEquals(expectedKeys(stack), state().keySet());
        assertEquals(Set.of(), logKeys());
    }
}
