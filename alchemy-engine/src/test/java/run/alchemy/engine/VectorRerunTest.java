package run.alchemy.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import run.alchemy.api.Phase;
import run.alchemy.api.Secret;
import run.alchemy.api.SecretException;
import run.alchemy.engine.VectorProgram.Call;
import run.alchemy.engine.VectorSupport.Vector;
import run.alchemy.engine.internal.StateSerde;
import run.alchemy.engine.internal.secrets.SecretCodec;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static run.alchemy.engine.VectorSupport.JSON;
import static run.alchemy.engine.VectorSupport.assertSameJson;
import static run.alchemy.engine.VectorSupport.at;
import static run.alchemy.engine.VectorSupport.changed;
import static run.alchemy.engine.VectorSupport.fieldNames;
import static run.alchemy.engine.VectorSupport.secretPointers;
import static run.alchemy.engine.VectorSupport.snapshot;
import static run.alchemy.engine.VectorSupport.texts;

/**
 * Black-box runs through {@link Alchemy} on copies of the vector trees: the re-run of the last
 * step's program ({@code rerunCheck}), the destroy run of {@code destroyed}, and secret failures.
 */
class VectorRerunTest {
    private final StateSerde serde = new StateSerde();

    static Stream<String> rerunVectors() {
        return VectorSupport.NAMES.stream().filter(n -> VectorSupport.load(n).manifest().has("rerunCheck"));
    }

    @Test
    void everyVectorHasARunToCheck() {
        for (String name : VectorSupport.NAMES) {
            JsonNode m = VectorSupport.load(name).manifest();
            assertTrue(m.has("rerunCheck") || m.has("afterAllSteps"), name + " has neither rerunCheck nor afterAllSteps");
        }
    }

    // ------------------------------------------------------------------ (d) rerun

    @ParameterizedTest(name = "{0}")
    @MethodSource("rerunVectors")
    void rerunMakesExactlyTheRecordedProviderCallsAndChanges(String name, @TempDir Path tmp) throws IOException {
        Vector v = VectorSupport.copy(name, tmp);
        JsonNode check = v.manifest().get("rerunCheck");
        assertTrue(check.get("errors").isEmpty(), "the recorded rerun had no errors");
        Map<String, byte[]> before = snapshot(v.stateDir());

        VectorProgram program = new VectorProgram(v);
        try (Alchemy app = program.builder(v.password()).open()) {
            program.declare(app);
        }

        assertEquals(invocations(check.get("handlerInvocations")), program.briefs(), "provider calls");
        assertEquals(texts(check.get("changedPaths")).stream().sorted().toList(),
                changed(before, snapshot(v.stateDir())), "changed files");

        List<String> settledOrder = settledKeyOrder(v);
        for (Call call : program.calls) {
            if (call.phase().equals("delete")) {
                assertPendingDeletion(v, call, before);
                continue;
            }
            // a create/update that succeeded leaves a settled record holding the program's props
            Map.Entry<String, JsonNode> file = v.entryByFqn(call.fqn());
            ObjectNode after = serde.readRecord(v.bytes(file.getKey()), file.getKey(), program.codec);
            String expected = call.phase().equals("create") ? "created" : "updated";
            assertEquals(expected, after.get("status").asText(), "status of " + call.fqn());
            assertEquals(settledOrder, fieldNames(after), "key order of " + file.getKey());
            assertEquals(file.getValue().get("canonicalProps").asText(), serde.canonical(after.get("props"), call.fqn()),
                    "props of " + call.fqn());
            JsonNode programProps = program.programProps(file.getKey(),
                    serde.readRecord(before.get(file.getKey()), file.getKey(), program.codec));
            assertEquals(serde.canonical(programProps, call.fqn()), serde.canonical(call.props(), call.fqn()),
                    "props passed to the provider for " + call.fqn());
        }
    }

    /** The delete of a queued pending deletion gets the old props and output; the list ends empty. */
    private void assertPendingDeletion(Vector v, Call call, Map<String, byte[]> before) throws IOException {
        String stagePath = ".alchemy/" + v.app() + "/" + v.stage() + ".json";
        JsonNode stageEntry = v.entry(stagePath);
        byte[] original = before.get(stagePath);
        JsonNode raw = JSON.readTree(original);
        JsonNode pending = raw.path("data").path("pendingDeletions");
        int index = -1;
        for (int i = 0; i < pending.size(); i++) {
            if (call.id().equals(pending.get(i).path("resource").path("Symbol(alchemy::ResourceID)").asText())) {
                index = i;
            }
        }
        assertTrue(index >= 0, "delete of " + call.fqn() + " comes from the stage record's pendingDeletions");
        String prefix = "/data/pendingDeletions/" + index;
        ObjectNode stored = serde.readRecord(original, stagePath, new SecretCodec(v.password()));
        assertEquals(serde.canonical(at(stored, prefix + "/oldProps"), stagePath), serde.canonical(call.props(), stagePath),
                "old props passed to delete");
        assertEquals(serde.canonical(at(stored, prefix + "/resource"), stagePath), serde.canonical(call.output(), stagePath),
                "old output passed to delete");
        for (JsonNode s : v.list(stageEntry, "secrets")) {
            String pointer = s.get("pointer").asText();
            for (String part : List.of("oldProps", "resource")) {
                String p = prefix + "/" + part + "/";
                if (pointer.startsWith(p)) {
                    JsonNode holder = part.equals("oldProps") ? call.props() : call.output();
                    Secret secret = serde.fromTree(at(holder, "/" + pointer.substring(p.length())), Secret.class);
                    assertEquals(s.get("plaintext").asText(), secret.reveal(), "secret passed to delete at " + pointer);
                }
            }
        }

        // the stage record is rewritten with the processed entry removed, otherwise unchanged
        JsonNode after = v.raw(stagePath);
        ObjectNode expected = (ObjectNode) raw.deepCopy();
        ((com.fasterxml.jackson.databind.node.ArrayNode) expected.path("data").path("pendingDeletions")).remove(index);
        assertSameJson(expected, after, stagePath);
        assertEquals(texts(stageEntry.get("topLevelKeyOrder")), fieldNames(after), "key order of " + stagePath);
    }

    /** The key order of a record written after a successful provider call, as found in the vectors. */
    private static List<String> settledKeyOrder(Vector v) {
        List<List<String>> orders = v.files().values().stream()
                .filter(e -> !e.get("kind").asText().equals("alchemy::Scope"))
                .filter(e -> List.of("created", "updated").contains(e.get("status").asText()))
                .map(e -> texts(e.get("topLevelKeyOrder"))).distinct().toList();
        assertEquals(1, orders.size(), "one key order for settled resource records: " + orders);
        return orders.get(0);
    }

    private static List<String> invocations(JsonNode list) {
        List<String> out = new ArrayList<>();
        list.forEach(i -> out.add(i.get("phase").asText() + " " + i.get("fqn").asText()));
        return out;
    }

    // ------------------------------------------------------------------ (e) destroy

    @Test
    void destroyDeletesEverythingInTheRecordedOrder(@TempDir Path tmp) {
        Vector v = VectorSupport.copy("destroyed", tmp);
        JsonNode step = null;
        for (JsonNode s : v.manifest().get("steps")) {
            if (s.get("phase").asText().equals("destroy")) {
                step = s;
            }
        }
        assertTrue(step != null, "the vector has a destroy step");
        assertTrue(step.get("errors").isEmpty());

        VectorProgram program = new VectorProgram(v);
        try (Alchemy app = program.builder(v.password()).phase(Phase.DESTROY).open()) {
            assertEquals(Phase.DESTROY, app.phase());
        }

        assertEquals(invocations(step.get("handlerInvocations")), program.briefs(), "delete calls in order");
        for (Call call : program.calls) {
            JsonNode entry = v.entryByFqn(call.fqn()).getValue();
            assertEquals(entry.get("canonicalProps").asText(), serde.canonical(call.props(), call.fqn()),
                    "stored props passed to delete " + call.fqn());
        }
        JsonNode after = v.manifest().get("afterAllSteps");
        assertEquals(texts(after.get("directories")).stream().sorted().toList(), VectorSupport.directories(v.stateDir()),
                "directories left");
        assertEquals(texts(after.get("files")).stream().sorted().toList(),
                new ArrayList<>(snapshot(v.stateDir()).keySet()), "files left");
    }

    // ------------------------------------------------------------------ (f) secrets through the API

    @ParameterizedTest(name = "{0}")
    @MethodSource("rerunVectors")
    void wrongPasswordFailsAtTheFirstSecretAndWritesNothing(String name, @TempDir Path tmp) {
        Vector v = VectorSupport.copy(name, tmp);
        Map<String, byte[]> before = snapshot(v.stateDir());
        VectorProgram program = new VectorProgram(v);
        SecretException e = assertThrows(SecretException.class, () -> {
            try (Alchemy app = program.builder(v.password() + "-wrong").open()) {
                program.declare(app);
            }
        });
        String file = firstDeclaredWithSecrets(v, program);
        assertEquals(v.file(file).toAbsolutePath().normalize().toString(), e.resource(), "the failing file");
        assertTrue(e.getMessage().contains(e.resource()), "message names the file: " + e.getMessage());
        String pointer = secretPointers(v.raw(file)).get(0);
        assertEquals(pointer, e.path());
        assertTrue(e.getMessage().contains(pointer), "message names the pointer: " + e.getMessage());
        assertNoPlaintext(v, e);
        assertEquals(List.of(), program.briefs(), "no provider call");
        assertEquals(List.of(), changed(before, snapshot(v.stateDir())), "nothing written");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rerunVectors")
    void noPasswordSaysAPasswordIsNeeded(String name, @TempDir Path tmp) {
        Vector v = VectorSupport.copy(name, tmp);
        Map<String, byte[]> before = snapshot(v.stateDir());
        VectorProgram program = new VectorProgram(v);
        SecretException e = assertThrows(SecretException.class, () -> {
            try (Alchemy app = program.builder(null).open()) {
                program.declare(app);
            }
        });
        assertTrue(e.getMessage().toLowerCase().contains("password"), "says a password is needed: " + e.getMessage());
        String file = firstDeclaredWithSecrets(v, program);
        assertEquals(v.file(file).toAbsolutePath().normalize().toString(), e.resource());
        assertEquals(secretPointers(v.raw(file)).get(0), e.path());
        assertNoPlaintext(v, e);
        assertEquals(List.of(), changed(before, snapshot(v.stateDir())), "nothing written");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rerunVectors")
    void tamperedCiphertextFailsTheRun(String name, @TempDir Path tmp) throws IOException {
        Vector v = VectorSupport.copy(name, tmp);
        VectorProgram program = new VectorProgram(v);
        // find the first file the program reads that holds a secret, and flip one ciphertext character
        try (Alchemy app = program.builder(v.password()).phase(Phase.READ).open()) {
            program.declare(app);
        }
        String file = firstDeclaredWithSecrets(v, program);
        JsonNode raw = v.raw(file);
        String pointer = secretPointers(raw).get(0);
        ObjectNode parent = (ObjectNode) at(raw, pointer);
        String field = "@secret";
        JsonNode envelope = parent.get(field);
        if (envelope.isObject() && envelope.has("data")) {
            parent = (ObjectNode) envelope;
            field = "data";
            envelope = envelope.get(field);
        }
        if (envelope.isTextual()) {
            parent.put(field, flipFirst(envelope.textValue()));
        } else {
            String target = envelope.get("ciphertext").asText().isEmpty() ? "tag" : "ciphertext";
            ((ObjectNode) envelope).put(target, flipFirst(envelope.get(target).asText()));
        }
        java.nio.file.Files.write(v.file(file), JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(raw));

        VectorProgram again = new VectorProgram(VectorSupport.copy(name, tmp.resolve("pristine")));
        // props come from the pristine copy; the run reads the tampered tree
        SecretException e = assertThrows(SecretException.class, () -> {
            try (Alchemy app = again.builder(v.password())
                    .stateStore(new run.alchemy.store.fs.FileSystemStateStore(v.alchemyRoot())).open()) {
                again.declare(app);
            }
        });
        assertEquals(v.file(file).toAbsolutePath().normalize().toString(), e.resource());
        assertEquals(pointer, e.path());
        assertNoPlaintext(v, e);
    }

    private static String flipFirst(String base64) {
        return (base64.charAt(0) == 'A' ? "B" : "A") + base64.substring(1);
    }

    private static String firstDeclaredWithSecrets(Vector v, VectorProgram program) {
        return program.declared.stream().filter(f -> v.entry(f).has("secrets")).findFirst()
                .orElseThrow(() -> new AssertionError("no declared record holds a secret"));
    }

    private static void assertNoPlaintext(Vector v, Throwable e) {
        for (JsonNode entry : v.files().values()) {
            for (JsonNode s : v.list(entry, "secrets")) {
                VectorSupport.assertNotShown(s.get("plaintext").asText(), e.getMessage());
            }
        }
    }
}
