package run.alchemy.interop;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import run.alchemy.api.Action;
import run.alchemy.api.Outcome;
import run.alchemy.api.Secret;
import run.alchemy.api.event.ResourceEvent;
import run.alchemy.engine.Address;
import run.alchemy.engine.Alchemy;
import run.alchemy.engine.History;
import run.alchemy.store.durable.DurableObjectStateStore;
import run.alchemy.store.durable.LocalWorker;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import static run.alchemy.interop.TestStack.APP;
import static run.alchemy.interop.TestStack.PASSWORD;
import static run.alchemy.interop.TestStack.SECRET_ENV;
import static run.alchemy.interop.TestStack.SECRET_VALUE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Round trips on alchemy-java's Durable Object worker (in real workerd on 127.0.0.1) between the
 * Java engine with its {@link DurableObjectStateStore} and the real Alchemy 0.94.0's
 * {@code DOStateStore} (from {@code alchemy/cloudflare}, through node/deploy.mjs, configured with
 * {@code worker: {url, token}} as an app configures it; nothing of it changed): each side skips
 * everything the other deployed. Each test has a stage of its own on the class's worker.
 */
@Timeout(value = 600, unit = TimeUnit.SECONDS)
class DurableObjectInteropTest {
    @RegisterExtension
    static final LocalWorker worker = LocalWorker.ours();

    @TempDir
    Path tmp;

    private TestStack stack(String stage) {
        return TestStack.sample(APP, stage, tmp.resolve("out"), new TestStack.SecretRef(SECRET_ENV, SECRET_VALUE), true);
    }

    private RealAlchemy node() {
        return RealAlchemy.onDurableObject(PASSWORD, "do+http://" + worker.url().substring("http://".length()), worker.token());
    }

    /** Java's store on the same worker, Alchemy's default prefix. */
    private DurableObjectStateStore javaStore() {
        return worker.store(DurableObjectStateStore.DEFAULT_PREFIX).build();
    }

    private JavaRun java(TestStack stack) {
        List<Outcome> outcomes = Collections.synchronizedList(new ArrayList<>());
        Map<String, Object> outputs;
        try (Alchemy app = Alchemy.app(stack.app()).stage(stack.stage()).password(PASSWORD).environment(Map.of())
                .stateStore(scope -> javaStore()).provider(ValueProvider.VALUE).listener(outcomes::add).open()) {
            outputs = stack.applyTo(app);
        }
        return new JavaRun(List.copyOf(outcomes), outputs);
    }

    /** The stage's records as stored (the stage's scope and its child scopes), fqn → text. */
    private Map<String, String> state(String stage) {
        Map<String, String> out = new TreeMap<>();
        try (DurableObjectStateStore store = javaStore()) {
            collect(store, List.of(APP, stage), out);
        }
        return out;
    }

    private static void collect(DurableObjectStateStore store, List<String> chain, Map<String, String> out) {
        store.getBatch(chain, store.list(chain)).forEach((id, bytes) ->
                out.put(String.join("/", chain) + "/" + id, new String(bytes, StandardCharsets.UTF_8)));
        for (String child : store.listScopes(chain)) {
            List<String> deeper = new ArrayList<>(chain);
            deeper.add(child);
            collect(store, deeper, out);
        }
    }

    @Test
    void realAlchemysClientDeploysToOurWorkerThenJavaSkipsEverything() {
        String stage = "alchemy-first";
        TestStack stack = stack(stage);

        RealAlchemy.Report report = node().deploy(stack, tmp.resolve("work"));
        assertEquals(new TreeSet<>(stack.recordFqns()), new TreeSet<>(report.written()), "records written by the real Alchemy");
        Map<String, String> before = state(stage);
        assertEquals(new TreeSet<>(stack.recordFqns()), before.keySet(), "records on our worker, in Alchemy's layout");
        String api = before.get(APP + "/" + stage + "/api");
        assertTrue(api.contains("\"@secret\"") && !api.contains(SECRET_VALUE), "Alchemy stored the secret encrypted: " + api);
        try (DurableObjectStateStore store = javaStore()) {
            assertFalse(store.hasLog(APP, stage), "Alchemy's client writes no log");
        }

        JavaRun run = java(stack);
        assertEquals(stack.expect(Action.SKIPPED, Map.of()), run.actions(), "Java skips everything Alchemy deployed");
        assertEquals(before, state(stage), "records changed by Java's run");
        Map<?, ?> output = assertInstanceOf(Map.class, run.outputs().get(APP + "/" + stage + "/api"));
        assertEquals(SECRET_VALUE, assertInstanceOf(Secret.class, output.get("key")).reveal(), "Alchemy's secret decrypted");

        // Java imported the stage into its log on the worker, which Alchemy's client never reads.
        try (DurableObjectStateStore store = javaStore(); History h = Alchemy.app(APP).stage(stage).password(PASSWORD)
                .stateStore(scope -> javaStore()).history()) {
            assertTrue(store.eventLogStages(APP).contains(stage));
            assertEquals(List.of(ResourceEvent.Type.IMPORTED), h.of(new Address(List.of(APP, stage), "readme")).stream()
                    .map(ResourceEvent::type).toList());
            assertTrue(h.verify().ok(), h.verify().toString());
        }
        RealAlchemy.Report again = node().deploy(stack, tmp.resolve("work"));
        assertEquals(List.of(), again.written(), "stderr:\n" + again.stderr());
        assertEquals(List.of(), again.deleted(), "stderr:\n" + again.stderr());
        assertEquals(before, state(stage));
    }

    @Test
    void javaDeploysToOurWorkerThenRealAlchemysClientSkipsEverything() {
        String stage = "java-first";
        TestStack stack = stack(stage);

        JavaRun first = java(stack);
        assertEquals(stack.expect(Action.CREATED, Map.of()), first.actions(), "Java's first deploy");
        Map<String, String> before = state(stage);
        assertEquals(new TreeSet<>(stack.recordFqns()), before.keySet(), "records written by Java, in Alchemy's layout");
        String api = before.get(APP + "/" + stage + "/api");
        assertTrue(api.contains("\"@secret\"") && !api.contains(SECRET_VALUE), "the secret stored encrypted: " + api);

        RealAlchemy.Report report = node().deploy(stack, tmp.resolve("work"));
        assertEquals(List.of(), report.written(), "the real Alchemy skips everything Java deployed; stderr:\n" + report.stderr());
        assertEquals(List.of(), report.deleted(), "stderr:\n" + report.stderr());
        assertEquals(before, state(stage), "records changed by the real Alchemy's run");

        assertEquals(stack.expect(Action.SKIPPED, Map.of()), java(stack).actions(), "and Java skips again");
        try (History h = Alchemy.app(APP).stage(stage).password(PASSWORD).stateStore(scope -> javaStore()).history()) {
            assertTrue(h.verify().ok(), "the log still matches the records: " + h.verify());
        }
    }
}
