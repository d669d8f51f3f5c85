package run.alchemy.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import run.alchemy.api.ConfigurationException;
import run.alchemy.api.Context;
import run.alchemy.api.Phase;
import run.alchemy.api.ProviderException;
import run.alchemy.api.ResourceProvider;
import run.alchemy.api.ScopeOptions;
import run.alchemy.api.Secret;
import run.alchemy.api.SecretException;
import run.alchemy.api.event.ResourceEvent;
import run.alchemy.engine.internal.StateSerde;
import run.alchemy.engine.internal.secrets.SecretCodec;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SecretsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private static String decryptedProp(Runs runs, String relative, String password, String field) throws Exception {
        byte[] bytes = Files.readAllBytes(runs.file(relative));
        JsonNode record = new StateSerde().readRecord(bytes, relative, new SecretCodec(password));
        return ((Secret) new StateSerde().fromTree(record.get("props"), Map.class).get(field)).reveal();
    }

    @Test
    void aScopeCanCarryItsOwnPassword() throws Exception {
        Runs runs = new Runs(dir);
        Thing thing = new Thing();
        try (Alchemy app = runs.up()) {
            app.apply("outer", thing, new Thing.Props("o", null, Secret.of("outer-secret")));
            app.scope("vault", ScopeOptions.password("vault-password"),
                    s -> s.apply("inner", thing, new Thing.Props("i", null, Secret.of("inner-secret"))));
        }
        assertEquals("inner-secret", decryptedProp(runs, "app/dev/vault/inner.json", "vault-password", "token"));
        assertEquals("outer-secret", decryptedProp(runs, "app/dev/outer.json", Runs.PASSWORD, "token"));
        assertThrows(SecretException.class,
                () -> decryptedProp(runs, "app/dev/vault/inner.json", Runs.PASSWORD, "token"));

        Map<String, String> before = runs.snapshot();
        try (Alchemy app = runs.up()) {
            app.apply("outer", thing, new Thing.Props("o", null, Secret.of("outer-secret")));
            app.scope("vault", ScopeOptions.password("vault-password"),
                    s -> s.apply("inner", thing, new Thing.Props("i", null, Secret.of("inner-secret"))));
        }
        assertEquals(List.of("[skipped] app/dev/outer", "[skipped] app/dev/vault/inner"), runs.actions());
        assertEquals(before, runs.snapshot(), "unchanged secrets are not re-encrypted");
    }

    /** Props of any JSON shape, echoed as the output: secrets nested in arrays and objects. */
    @SuppressWarnings({"rawtypes", "unchecked"})
    private static final class Echo implements ResourceProvider<Map, Map> {
        @Override
        public String kind() {
            return "test::Echo";
        }

        @Override
        public Class<Map> propsType() {
            return Map.class;
        }

        @Override
        public Class<Map> outputType() {
            return Map.class;
        }

        @Override
        public Map create(Context<Map, Map> ctx, Map props) {
            return props;
        }

        @Override
        public void delete(Context<Map, Map> ctx, Map props, Map output) {
        }
    }

    private static Map<String, Object> nested(String label) {
        return Map.of("label", label, "list", List.of("plain", Secret.of("in-array"),
                Map.of("deep", Secret.ofJson("{\"k\": [1, 2]}"))));
    }

    /** Every stored value at {@code pointer} in the record and in each of its events, once each. */
    private static Set<String> envelopes(Runs runs, String relative, String fqn, String pointer) throws Exception {
        Set<String> seen = new LinkedHashSet<>();
        JsonNode stored = JSON.readTree(runs.read(relative)).at(pointer);
        if (!stored.isMissingNode()) {
            seen.add(stored.toString());
        }
        try (History h = runs.builder("dev", Phase.UP).history()) {
            h.events().stream().filter(e -> e instanceof ResourceEvent r && r.fqn().equals(fqn)
                            && r.snapshot() != null)
                    .map(e -> ((ResourceEvent) e).snapshot())
                    .forEach(text -> {
                        try {
                            JsonNode v = JSON.readTree(text).at(pointer);
                            if (!v.isMissingNode()) {
                                seen.add(v.toString());
                            }
                        } catch (Exception ex) {
                            throw new IllegalStateException(ex);
                        }
                    });
        }
        return seen;
    }

    private static long head(Runs runs) {
        try (History h = runs.builder("dev", Phase.UP).history()) {
            return h.head();
        }
    }

    private static List<String> secretChanges(Runs runs, long from) {
        try (History h = runs.builder("dev", Phase.UP).history()) {
            return h.diff(from, h.head()).stream().filter(Change::secret).map(Change::toString).toList();
        }
    }

    @Test
    void anUnchangedSecretKeepsItsEnvelopeInEveryWriteOfTheRecord() throws Exception {
        Runs runs = new Runs(dir);
        Thing thing = new Thing();
        Echo echo = new Echo();
        try (Alchemy app = runs.up()) {
            app.apply("svc", thing, new Thing.Props("v1", null, Secret.of("kept")));
            app.apply("nested", echo, nested("a"));
            app.scope("vault", ScopeOptions.password("vault-password"),
                    s -> s.apply("inner", thing, new Thing.Props("i1", null, Secret.of("inner-kept"))));
        }
        String[][] secrets = {
                {"app/dev/svc.json", "app/dev/svc", "/props/token/@secret", "/output/token/@secret"},
                {"app/dev/nested.json", "app/dev/nested", "/props/list/1/@secret", "/output/list/1/@secret"},
                {"app/dev/nested.json", "app/dev/nested", "/props/list/2/deep/@secret", "/output/list/2/deep/@secret"},
                {"app/dev/vault/inner.json", "app/dev/vault/inner", "/props/token/@secret", "/output/token/@secret"}};
        Map<String, String> created = new java.util.TreeMap<>();
        for (String[] s : secrets) {
            for (String pointer : List.of(s[2], s[3])) {
                Set<String> seen = envelopes(runs, s[0], s[1], pointer);
                assertEquals(1, seen.size(), s[1] + pointer + ": one envelope from creating to created, was " + seen);
                created.put(s[1] + pointer, seen.iterator().next());
            }
        }
        long afterCreate = head(runs);

        try (Alchemy app = runs.up()) { // only the plain props change
            app.apply("svc", thing, new Thing.Props("v2", null, Secret.of("kept")));
            app.apply("nested", echo, nested("b"));
            app.scope("vault", ScopeOptions.password("vault-password"),
                    s -> s.apply("inner", thing, new Thing.Props("i2", null, Secret.of("inner-kept"))));
        }
        assertEquals(List.of("[updated] app/dev/svc", "[updated] app/dev/nested", "[updated] app/dev/vault/inner"),
                runs.actions());
        for (String[] s : secrets) {
            for (String pointer : List.of(s[2], s[3], s[2].replace("/props/", "/oldProps/"))) {
                String key = s[1] + pointer.replace("/oldProps/", "/props/");
                assertEquals(Set.of(created.get(key)), envelopes(runs, s[0], s[1], pointer),
                        s[1] + pointer + " keeps the envelope it was created with");
            }
        }
        assertEquals(List.of(), secretChanges(runs, afterCreate), "no secret changed");
        long afterUpdate = head(runs);

        try (Alchemy app = runs.up()) { // now the secret's value changes
            app.apply("svc", thing, new Thing.Props("v2", null, Secret.of("changed")));
            app.apply("nested", echo, nested("b"));
            app.scope("vault", ScopeOptions.password("vault-password"),
                    s -> s.apply("inner", thing, new Thing.Props("i2", null, Secret.of("inner-kept"))));
        }
        assertEquals(List.of("[updated] app/dev/svc", "[skipped] app/dev/nested", "[skipped] app/dev/vault/inner"),
                runs.actions());
        JsonNode svc = JSON.readTree(runs.read("app/dev/svc.json"));
        assertNotEquals(created.get("app/dev/svc/props/token/@secret"), svc.at("/props/token/@secret").toString());
        assertEquals(Set.of(created.get("app/dev/svc/props/token/@secret")),
                envelopes(runs, "app/dev/svc.json", "app/dev/svc", "/oldProps/token/@secret"));
        assertEquals("changed", decryptedProp(runs, "app/dev/svc.json", Runs.PASSWORD, "token"));
        assertEquals(List.of("changed app/dev/svc/output/token: <secret changed>",
                        "changed app/dev/svc/props/token: <secret changed>"),
                secretChanges(runs, afterUpdate).stream().sorted().toList());
    }

    @Test
    void eraseSecretsNeedsForceAndLetsALostPasswordBeReplaced() throws Exception {
        Runs runs = new Runs(dir);
        Thing thing = new Thing();
        try (Alchemy app = runs.up()) {
            app.apply("s", thing, new Thing.Props("s", null, Secret.of("old-value")));
            app.apply("gone", thing, new Thing.Props("g", null, Secret.of("orphan-value")));
        }
        assertThrows(ConfigurationException.class,
                () -> runs.builder("dev", Phase.UP).password("new-password").eraseSecrets(true).open());
        try (Alchemy app = runs.builder("dev", Phase.UP).password("new-password").force(true).eraseSecrets(true).open()) {
            Thing.Output out = app.apply("s", thing, new Thing.Props("s", null, Secret.of("new-value")));
            assertEquals("new-value", out.token().reveal());
        }
        assertEquals(List.of("[updated] app/dev/s", "[deleted] app/dev/gone"), runs.actions());
        assertTrue(thing.calls.get(thing.calls.size() - 1).props().token() == null,
                "the orphan was deleted with its erased secret absent");
        assertEquals("new-value", decryptedProp(runs, "app/dev/s.json", "new-password", "token"));
    }

    @Test
    void rotationReEncryptsEverySecretOfTheStageAndADryRunChangesNothing() throws Exception {
        Runs runs = new Runs(dir);
        Thing thing = new Thing();
        thing.bodies.put("parent", (ctx, p) -> ctx.scope().apply("kid", thing,
                new Thing.Props("k", null, Secret.of("kid-secret"))));
        thing.replaceOn.put("svc", false);
        try (Alchemy app = runs.up()) {
            app.apply("plain", thing, new Thing.Props("no secrets"));
            app.apply("parent", thing, new Thing.Props("p", null, Secret.of("parent-secret")));
            app.apply("svc", thing, new Thing.Props("v1", null, Secret.of("svc-secret")));
            app.scope("group", s -> s.apply("member", thing, new Thing.Props("m", null, Secret.of("member-secret"))));
        }
        try (Alchemy app = runs.up()) { // queue a pending deletion holding a secret, left unprocessed below
            app.apply("plain", thing, new Thing.Props("no secrets"));
            app.apply("parent", thing, new Thing.Props("p", null, Secret.of("parent-secret")));
            app.apply("svc", thing, new Thing.Props("v2", null, Secret.of("svc-secret")));
            app.scope("group", s -> s.apply("member", thing, new Thing.Props("m", null, Secret.of("member-secret"))));
            thing.failOn.add("stop-finalize");
            assertThrows(ProviderException.class, () -> app.apply("stop-finalize", thing, new Thing.Props("x")));
        }
        assertEquals(1, JSON.readTree(runs.read("app/dev.json")).get("data").get("pendingDeletions").size());
        Map<String, String> before = runs.snapshot();

        RotationReport dry = runs.builder("dev", Phase.UP).rotatePassword("rotated-password", true);
        assertTrue(dry.dryRun());
        assertEquals(before, runs.snapshot());
        assertEquals(List.of("app/dev.json", "app/dev/group/member.json", "app/dev/parent.json",
                        "app/dev/parent/kid.json", "app/dev/svc.json"),
                dry.rotated().stream().map(l -> runs.root.relativize(Path.of(l)).toString()).sorted().toList());
        assertEquals(8, dry.recordsScanned(), "stage record, group scope record, 6 resource records");

        assertThrows(SecretException.class,
                () -> runs.builder("dev", Phase.UP).password("wrong").rotatePassword("x", false));
        assertEquals(before, runs.snapshot(), "a wrong old password changes nothing");

        RotationReport done = runs.builder("dev", Phase.UP).rotatePassword("rotated-password", false);
        assertEquals(dry.rotated(), done.rotated());
        assertEquals(dry.secrets(), done.secrets());
        assertEquals("kid-secret", decryptedProp(runs, "app/dev/parent/kid.json", "rotated-password", "token"));
        assertThrows(SecretException.class, () -> decryptedProp(runs, "app/dev/svc.json", Runs.PASSWORD, "token"));
        assertEquals(before.get("app/dev/plain.json"), runs.snapshot().get("app/dev/plain.json"));

        thing.failOn.clear();
        thing.calls.clear();
        try (Alchemy app = runs.builder("dev", Phase.UP).password("rotated-password").open()) {
            app.apply("plain", thing, new Thing.Props("no secrets"));
            app.apply("parent", thing, new Thing.Props("p", null, Secret.of("parent-secret")));
            app.apply("svc", thing, new Thing.Props("v2", null, Secret.of("svc-secret")));
            app.scope("group", s -> s.apply("member", thing, new Thing.Props("m", null, Secret.of("member-secret"))));
        }
        assertEquals(List.of("delete app/dev/svc", "delete app/dev/stop-finalize"), thing.briefs(),
                "after rotation everything skips; the queued old copy is deleted with its decrypted props,"
                        + " then the orphan left by the failed run");
        assertEquals("svc-secret", thing.calls.get(0).props().token().reveal());
    }

    @Test
    void plaintextNeverReachesFilesLogsMessagesOrToString() throws Exception {
        String plain = "pl41n-t3xt-" + System.nanoTime();
        Logger engineLog = Logger.getLogger("run.alchemy");
        List<String> logged = new ArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord r) {
                logged.add(r.getMessage() + " " + (r.getThrown() == null ? "" : r.getThrown()));
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Level previous = engineLog.getLevel();
        engineLog.setLevel(Level.ALL);
        engineLog.addHandler(capture);
        PrintStream err = System.err;
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        System.setErr(new PrintStream(stderr, true, StandardCharsets.UTF_8));
        List<String> seen = new ArrayList<>();
        try {
            Runs runs = new Runs(dir);
            Thing thing = new Thing();
            thing.replaceOn.put("svc", false);
            try (Alchemy app = runs.up()) {
                Thing.Output out = app.apply("svc", thing, new Thing.Props("a", null, Secret.of(plain)));
                seen.add(out.toString());
                seen.add(app.apply("json", thing, new Thing.Props("j", null, Secret.ofJson("{\"k\":\"" + plain + "\"}")))
                        .toString());
            }
            try (Alchemy app = runs.up()) {
                seen.add(app.apply("svc", thing, new Thing.Props("b", null, Secret.of(plain))).toString());
                thing.failOn.add("json");
                seen.add(assertThrows(ProviderException.class,
                        () -> app.apply("json", thing, new Thing.Props("k", null, Secret.of(plain)))).getMessage());
            }
            seen.add(assertThrows(SecretException.class, () -> runs.builder("dev", Phase.UP).password("bad")
                    .rotatePassword("x", false)).getMessage());
            seen.add(Secret.of(plain).toString() + Secret.of(plain).hashCode());
            seen.add(thing.calls.toString());
            runs.snapshot().values().forEach(seen::add);
            assertTrue(runs.snapshot().size() >= 3);
        } finally {
            System.setErr(err);
            engineLog.removeHandler(capture);
            engineLog.setLevel(previous);
        }
        assertFalse(logged.isEmpty(), "the engine logged at debug level");
        seen.addAll(logged);
        seen.add(stderr.toString(StandardCharsets.UTF_8));
        for (String text : seen) {
            assertFalse(text.contains(plain), "plaintext leaked into: " + text);
        }
    }
}
