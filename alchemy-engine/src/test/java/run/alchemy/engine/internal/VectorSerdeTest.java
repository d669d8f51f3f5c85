package run.alchemy.engine.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.POJONode;
import com.fasterxml.jackson.databind.node.TextNode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import run.alchemy.api.JsSymbol;
import run.alchemy.api.Secret;
import run.alchemy.api.SecretException;
import run.alchemy.engine.VectorSupport;
import run.alchemy.engine.VectorSupport.Vector;
import run.alchemy.engine.internal.json.JsDates;
import run.alchemy.engine.internal.secrets.SecretCodec;
import run.alchemy.engine.internal.secrets.SecretFailure;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static run.alchemy.engine.VectorSupport.JSON;
import static run.alchemy.engine.VectorSupport.assertSameJson;
import static run.alchemy.engine.VectorSupport.at;
import static run.alchemy.engine.VectorSupport.fieldNames;
import static run.alchemy.engine.VectorSupport.secretPointers;
import static run.alchemy.engine.VectorSupport.sha256;
import static run.alchemy.engine.VectorSupport.texts;

/**
 * White-box conformance of {@link StateSerde} and {@link SecretCodec} on every state file of every
 * vector: byte-identical round trip, every manifest value, and the secret failure modes.
 * Nothing here writes to disk, so the class-path copies are read directly.
 */
class VectorSerdeTest {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    /** One codec per password: scrypt keys are cached by salt, so each salt costs one derivation. */
    private static final Map<String, SecretCodec> CODECS = new ConcurrentHashMap<>();

    private final StateSerde serde = new StateSerde();

    static Stream<Arguments> files() {
        List<Arguments> out = new ArrayList<>();
        for (String name : VectorSupport.NAMES) {
            VectorSupport.load(name).files().keySet().forEach(path -> out.add(Arguments.of(name, path)));
        }
        return out.stream();
    }

    static Stream<Arguments> filesWithSecrets() {
        return files().filter(a -> {
            Vector v = VectorSupport.load((String) a.get()[0]);
            return v.entry((String) a.get()[1]).has("secrets");
        });
    }

    static Stream<Arguments> filesWithoutSecrets() {
        return files().filter(a -> {
            Vector v = VectorSupport.load((String) a.get()[0]);
            return !v.entry((String) a.get()[1]).has("secrets");
        });
    }

    private static SecretCodec codec(String password) {
        return CODECS.computeIfAbsent(password, SecretCodec::new);
    }

    private static boolean hasLegacySecrets(Vector v, JsonNode entry) {
        return v.list(entry, "secrets").stream().anyMatch(s -> s.get("format").asText().startsWith("libsodium"));
    }

    // ------------------------------------------------------------------ (a) round trip

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("files")
    void fileMatchesManifestDigest(String vector, String path) {
        Vector v = VectorSupport.load(vector);
        JsonNode entry = v.entry(path);
        byte[] original = v.bytes(path);
        assertEquals(entry.get("sha256").asText(), sha256(original), "sha256 of the vector file");
        assertEquals(entry.get("bytes").asInt(), original.length, "size");
        assertEquals(entry.get("endsWithNewline").asBoolean(), original[original.length - 1] == '\n',
                "trailing newline");
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("files")
    void roundTripWithTheSameCodec(String vector, String path) throws IOException {
        Vector v = VectorSupport.load(vector);
        JsonNode entry = v.entry(path);
        byte[] original = v.bytes(path);
        SecretCodec codec = codec(v.password());
        ObjectNode record = serde.readRecord(original, path, codec);

        ObjectNode toWrite = record;
        List<JsonNode> schemas = v.list(entry, "schemas");
        if (!schemas.isEmpty()) {
            // Alchemy's deserialize unwraps @schema (spec §3.2), so a record written as read has
            // lost the wrapper (as Alchemy's own intermediate write does); a program passes it
            // wrapped again, and then the file is reproduced exactly.
            JsonNode asRead = JSON.readTree(serde.writeRecord(record.deepCopy(), path, codec));
            for (JsonNode s : schemas) {
                assertSameJson(s.get("value"), at(asRead, s.get("pointer").asText()),
                        "schema written back as read at " + s.get("pointer").asText());
            }
            toWrite = record.deepCopy();
            for (JsonNode s : schemas) {
                ObjectNode wrapped = NODES.objectNode();
                wrapped.set("@schema", s.get("value").deepCopy());
                VectorSupport.set(toWrite, s.get("pointer").asText(), wrapped);
            }
        }
        byte[] written = serde.writeRecord(toWrite, path, codec);

        if (!hasLegacySecrets(v, entry)) {
            assertEquals(new String(original, StandardCharsets.UTF_8), new String(written, StandardCharsets.UTF_8),
                    "written text");
            assertArrayEquals(original, written, "written bytes");
            assertEquals(entry.get("sha256").asText(), sha256(written), "sha256 of the written file");
            return;
        }

        // Legacy secrets are re-sealed as v1: everything else is identical, and the values survive.
        JsonNode originalRaw = JSON.readTree(original);
        JsonNode writtenRaw = JSON.readTree(written);
        JsonNode maskedOriginal = originalRaw.deepCopy();
        JsonNode maskedWritten = writtenRaw.deepCopy();
        for (JsonNode s : v.list(entry, "secrets")) {
            String pointer = s.get("pointer").asText();
            String format = s.get("format").asText();
            JsonNode before = at(originalRaw, pointer).get("@secret");
            JsonNode after = at(writtenRaw, pointer).get("@secret");
            assertEquals(List.of("@secret"), fieldNames(at(writtenRaw, pointer)), pointer);
            if (format.startsWith("v1")) {
                assertSameJson(before, after, "v1 envelope kept at " + pointer);
            } else {
                JsonNode v1 = format.endsWith("+data") ? after.get("data") : after;
                if (format.endsWith("+data")) {
                    assertEquals(List.of("data"), fieldNames(after), "data wrapper kept at " + pointer);
                }
                assertTrue(v1 != null && v1.isObject(), "legacy secret re-sealed as a v1 object at " + pointer);
                assertEquals(List.of("version", "ciphertext", "iv", "salt", "tag"), fieldNames(v1), pointer);
                assertEquals("v1", v1.get("version").asText(), pointer);
            }
            VectorSupport.set(maskedOriginal, pointer, NullNode.getInstance());
            VectorSupport.set(maskedWritten, pointer, NullNode.getInstance());
        }
        assertSameJson(maskedOriginal, maskedWritten, "non-secret parts of " + path);

        SecretCodec fresh = new SecretCodec(v.password());
        ObjectNode reread = serde.readRecord(written, path, fresh);
        assertSecretsMatch(v, entry, reread);
        assertEquals(entry.get("canonicalProps").asText(), serde.canonical(reread.get("props"), path));
        // now all-v1: writing what was read reproduces our own file byte for byte
        assertArrayEquals(written, serde.writeRecord(reread, path, fresh), "second round trip");
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("filesWithSecrets")
    void anotherCodecReEncryptsButKeepsTheValues(String vector, String path) {
        Vector v = VectorSupport.load(vector);
        JsonNode entry = v.entry(path);
        byte[] original = v.bytes(path);
        ObjectNode record = serde.readRecord(original, path, codec(v.password()));
        SecretCodec other = new SecretCodec(v.password());
        byte[] written = serde.writeRecord(record, path, other);
        assertFalse(java.util.Arrays.equals(original, written), "secrets must be sealed anew by another codec");
        ObjectNode reread = serde.readRecord(written, path, other);
        assertSecretsMatch(v, entry, reread);
        assertEquals(entry.get("canonicalProps").asText(), serde.canonical(reread.get("props"), path));
    }

    // ------------------------------------------------------------------ (b) manifest values

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("files")
    void recordFieldsAndKeyOrder(String vector, String path) {
        Vector v = VectorSupport.load(vector);
        JsonNode entry = v.entry(path);
        JsonNode raw = v.raw(path);
        ObjectNode record = serde.readRecord(v.bytes(path), path, codec(v.password()));

        List<String> order = texts(entry.get("topLevelKeyOrder"));
        assertEquals(order, fieldNames(raw), "key order in the file");
        assertEquals(order, fieldNames(record), "key order after reading");
        assertEquals(entry.get("kind").asText(), record.get("kind").asText(), "kind");
        assertEquals(entry.get("id").asText(), record.get("id").asText(), "id");
        assertEquals(entry.get("fqn").asText(), record.get("fqn").asText(), "fqn");
        assertEquals(entry.get("seq"), record.get("seq"), "seq");
        assertEquals(entry.get("status").asText(), record.get("status").asText(), "status");
        assertEquals(entry.get("hasProps").asBoolean(), record.has("props"), "hasProps");
        assertEquals(entry.get("hasOldProps").asBoolean(), record.has("oldProps"), "hasOldProps");

        // the file is where the store keeps it: <chain…>/<key with / as :>.json
        String expectedPath = ".alchemy/" + String.join("/", texts(entry.get("scopeChain"))) + "/"
                + entry.get("key").asText().replace('/', ':') + ".json";
        assertEquals(expectedPath, path, "path from scopeChain and key");
        assertEquals(entry.get("id").asText(), entry.get("key").asText(), "key is the id");
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("files")
    void canonicalProps(String vector, String path) {
        Vector v = VectorSupport.load(vector);
        JsonNode entry = v.entry(path);
        ObjectNode record = serde.readRecord(v.bytes(path), path, codec(v.password()));
        JsonNode expected = entry.get("canonicalProps");
        assertEquals(expected == null || expected.isNull() ? null : expected.asText(),
                serde.canonical(record.get("props"), path), "canonicalProps");
        if (entry.has("canonicalOldProps")) {
            assertEquals(entry.get("canonicalOldProps").asText(), serde.canonical(record.get("oldProps"), path),
                    "canonicalOldProps");
        }
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("files")
    void secrets(String vector, String path) throws SecretFailure {
        Vector v = VectorSupport.load(vector);
        JsonNode entry = v.entry(path);
        JsonNode raw = v.raw(path);
        SecretCodec codec = codec(v.password());
        ObjectNode record = serde.readRecord(v.bytes(path), path, codec);

        List<String> listed = v.list(entry, "secrets").stream().map(s -> s.get("pointer").asText()).sorted().toList();
        assertEquals(listed, secretPointers(raw).stream().sorted().toList(), "@secret objects in the file");
        assertEquals(listed, pojoPointers(record).stream().sorted().toList(), "secrets after reading");

        for (JsonNode s : v.list(entry, "secrets")) {
            String pointer = s.get("pointer").asText();
            String format = s.get("format").asText();
            JsonNode envelope = at(raw, pointer).get("@secret");
            assertEquals(format, formatOf(envelope), "format at " + pointer);

            SecretCodec.Opened opened = codec.open(envelope);
            assertEquals(s.get("plaintext").asText(), opened.plaintext(), "plaintext at " + pointer);
            assertEquals(format.endsWith("+data"), opened.jsonValued(), "JSON-valued at " + pointer);
            assertEquals(format.startsWith("libsodium"), opened.legacy(), "legacy at " + pointer);
        }
        assertSecretsMatch(v, entry, record);
    }

    private void assertSecretsMatch(Vector v, JsonNode entry, ObjectNode record) {
        for (JsonNode s : v.list(entry, "secrets")) {
            String pointer = s.get("pointer").asText();
            JsonNode node = at(record, pointer);
            POJONode pojo = assertInstanceOf(POJONode.class, node, "a secret node at " + pointer);
            Secret secret = SealedSecret.unwrap(pojo.getPojo());
            assertEquals(s.get("plaintext").asText(), secret.reveal(), "plaintext at " + pointer);
            boolean json = s.get("format").asText().endsWith("+data");
            assertEquals(json, secret.isJson(), "JSON-valued at " + pointer);
            JsonNode value = s.get("value");
            if (json) {
                try {
                    assertSameJson(value, JSON.readTree(secret.reveal()), "value at " + pointer);
                } catch (IOException e) {
                    throw new AssertionError("secret at " + pointer + " is not JSON", e);
                }
            } else {
                assertEquals(value.asText(), secret.reveal(), "value at " + pointer);
            }
            // the public mapping gives the same Secret
            try {
                assertEquals(secret, serde.fromTree(node, Secret.class), "Secret mapped from " + pointer);
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        }
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("files")
    void datesBuffersSymbolsSchemasScopes(String vector, String path) throws IOException {
        Vector v = VectorSupport.load(vector);
        JsonNode entry = v.entry(path);
        JsonNode raw = v.raw(path);
        ObjectNode record = serde.readRecord(v.bytes(path), path, codec(v.password()));

        for (JsonNode d : v.list(entry, "dates")) {
            String pointer = d.get("pointer").asText();
            long millis = d.get("epochMillis").asLong();
            String stored = at(raw, pointer).get("@date").asText();
            assertEquals(OptionalLong.of(millis), JsDates.parse(stored), "stored date at " + pointer);
            assertSameJson(tag("@date", d.get("iso").asText()), at(record, pointer), "date read at " + pointer);
            assertEquals(d.get("iso").asText(), JsDates.iso(millis), "ISO text of " + pointer);
            assertEquals(Instant.ofEpochMilli(millis), serde.fromTree(at(record, pointer), Instant.class), pointer);
        }
        for (JsonNode b : v.list(entry, "buffers")) {
            String pointer = b.get("pointer").asText();
            assertEquals(b.get("encoded").asText(), at(raw, pointer).get("@buffer").asText(), "stored " + pointer);
            assertSameJson(tag("@buffer", b.get("base64").asText()), at(record, pointer), "buffer read at " + pointer);
            byte[] bytes = serde.fromTree(at(record, pointer), byte[].class);
            assertEquals(b.get("hex").asText(), HexFormat.of().formatHex(bytes), "bytes of " + pointer);
            assertEquals(b.get("length").asInt(), bytes.length, "length of " + pointer);
        }
        for (JsonNode s : v.list(entry, "symbols")) {
            String pointer = s.get("pointer").asText();
            assertEquals(s.get("encoded").asText(), at(raw, pointer).get("@symbol").asText(), "stored " + pointer);
            assertTrue(s.path("registered").asBoolean(true), "only registered symbols are stored");
            assertSameJson(tag("@symbol", s.get("encoded").asText()), at(record, pointer), "symbol at " + pointer);
            assertEquals(new JsSymbol(s.get("description").asText()),
                    serde.fromTree(at(record, pointer), JsSymbol.class), "symbol at " + pointer);
        }
        for (JsonNode s : v.list(entry, "schemas")) {
            String pointer = s.get("pointer").asText();
            assertSameJson(s.get("value"), at(raw, pointer).get("@schema"), "stored schema at " + pointer);
            assertSameJson(s.get("value"), at(record, pointer), "deserialized schema at " + pointer);
        }
        List<String> scopes = v.list(entry, "scopes").stream().map(s -> s.get("pointer").asText()).sorted().toList();
        ObjectNode marker = NODES.objectNode();
        marker.putNull("@scope");
        for (String pointer : scopes) {
            assertSameJson(marker, at(raw, pointer), "stored scope marker at " + pointer);
            assertSameJson(marker, at(record, pointer), "scope marker read at " + pointer);
        }
        assertEquals(scopes, tagPointers(raw, "@scope").stream().sorted().toList(), "every @scope marker listed");

        // every Symbol(…) key is one of Alchemy's own identity keys unless the manifest lists it
        if (!entry.has("symbolKeys") || entry.get("symbolKeys").isEmpty()) {
            for (String key : symbolKeys(raw)) {
                assertTrue(key.startsWith("Symbol(alchemy::"), "unexpected symbol key " + key);
            }
        }
    }

    // ------------------------------------------------------------------ (f) secret failure modes

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("filesWithSecrets")
    void wrongPasswordNamesFileAndPointerButNotTheValue(String vector, String path) {
        Vector v = VectorSupport.load(vector);
        JsonNode entry = v.entry(path);
        SecretException e = assertThrows(SecretException.class,
                () -> serde.readRecord(v.bytes(path), path, codec(v.password() + "-wrong")));
        String first = secretPointers(v.raw(path)).get(0);
        assertEquals(first, e.path(), "the first secret in the file fails");
        assertEquals(path, e.resource());
        assertTrue(e.getMessage().contains(path), "message names the file: " + e.getMessage());
        assertTrue(e.getMessage().contains(first), "message names the pointer: " + e.getMessage());
        assertNoPlaintext(v, entry, e);
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("filesWithSecrets")
    void tamperedCiphertextFails(String vector, String path) throws IOException {
        Vector v = VectorSupport.load(vector);
        JsonNode entry = v.entry(path);
        for (JsonNode s : v.list(entry, "secrets")) {
            String pointer = s.get("pointer").asText();
            JsonNode raw = v.raw(path);
            ObjectNode holder = (ObjectNode) at(raw, pointer);
            JsonNode envelope = holder.get("@secret");
            ObjectNode parent = holder;
            String field = "@secret";
            if (envelope.isObject() && envelope.has("data")) {
                parent = (ObjectNode) envelope;
                field = "data";
                envelope = envelope.get("data");
            }
            if (envelope.isTextual()) {
                parent.put(field, flipFirst(envelope.textValue()));
            } else {
                ObjectNode v1 = (ObjectNode) envelope;
                String target = v1.get("ciphertext").asText().isEmpty() ? "tag" : "ciphertext";
                v1.put(target, flipFirst(v1.get(target).asText()));
            }
            byte[] tampered = JSON.writeValueAsBytes(raw);
            SecretException e = assertThrows(SecretException.class,
                    () -> serde.readRecord(tampered, path, codec(v.password())), "tampered " + pointer);
            assertEquals(pointer, e.path(), "the tampered secret is named");
            assertTrue(e.getMessage().contains(path), e.getMessage());
            assertNoPlaintext(v, entry, e);
        }
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("filesWithSecrets")
    void noPasswordCannotRead(String vector, String path) {
        Vector v = VectorSupport.load(vector);
        SecretException e = assertThrows(SecretException.class,
                () -> serde.readRecord(v.bytes(path), path, new SecretCodec(null)));
        assertTrue(e.getMessage().toLowerCase().contains("password"), "says a password is needed: " + e.getMessage());
        assertEquals(secretPointers(v.raw(path)).get(0), e.path());
        assertTrue(e.getMessage().contains(path), e.getMessage());
        assertNoPlaintext(v, v.entry(path), e);
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("filesWithoutSecrets")
    void filesWithoutSecretsNeedNoPassword(String vector, String path) {
        Vector v = VectorSupport.load(vector);
        byte[] bytes = v.bytes(path);
        ObjectNode withPassword = serde.readRecord(bytes, path, codec(v.password()));
        ObjectNode without = serde.readRecord(bytes, path, new SecretCodec(null));
        assertEquals(withPassword, without);
        byte[] written = serde.writeRecord(without, path, new SecretCodec(null));
        if (v.list(v.entry(path), "schemas").isEmpty()) {
            assertArrayEquals(bytes, written, "written without a password");
        }
    }

    // ------------------------------------------------------------------ helpers

    private static void assertNoPlaintext(Vector v, JsonNode entry, Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String message = String.valueOf(t.getMessage());
            for (JsonNode s : v.list(entry, "secrets")) {
                VectorSupport.assertNotShown(s.get("plaintext").asText(), message);
                if (s.get("value").isObject()) {
                    s.get("value").properties().forEach(f -> {
                        if (f.getValue().isTextual()) {
                            VectorSupport.assertNotShown(f.getValue().asText(), message);
                        }
                    });
                }
            }
        }
        assertNull(e.getCause(), "no cause that could carry the value");
    }

    private static String flipFirst(String base64) {
        char c = base64.charAt(0);
        char replacement = c == 'A' ? 'B' : 'A';
        String out = replacement + base64.substring(1);
        assertNotEquals(base64, out);
        return out;
    }

    private static String formatOf(JsonNode envelope) {
        if (envelope.isTextual()) {
            return "libsodium";
        }
        if (envelope.isObject() && envelope.has("data")) {
            JsonNode data = envelope.get("data");
            return data.isTextual() ? "libsodium+data" : "v1+data";
        }
        return "v1";
    }

    private static ObjectNode tag(String tag, String value) {
        ObjectNode n = NODES.objectNode();
        n.set(tag, TextNode.valueOf(value));
        return n;
    }

    private static List<String> pojoPointers(JsonNode node) {
        List<String> out = new ArrayList<>();
        walk(node, "", (n, p) -> {
            if (n.isPojo()) {
                out.add(p);
            }
        });
        return out;
    }

    private static List<String> tagPointers(JsonNode node, String tag) {
        List<String> out = new ArrayList<>();
        walk(node, "", (n, p) -> {
            if (n.isObject() && n.has(tag)) {
                out.add(p);
            }
        });
        return out;
    }

    private static List<String> symbolKeys(JsonNode node) {
        List<String> out = new ArrayList<>();
        walk(node, "", (n, p) -> {
            if (n.isObject()) {
                n.fieldNames().forEachRemaining(k -> {
                    if (k.startsWith("Symbol(") && k.endsWith(")")) {
                        out.add(k);
                    }
                });
            }
        });
        return out;
    }

    private static void walk(JsonNode node, String pointer, java.util.function.BiConsumer<JsonNode, String> visit) {
        visit.accept(node, pointer);
        if (node.isObject()) {
            node.properties().forEach(e -> walk(e.getValue(),
                    pointer + "/" + e.getKey().replace("~", "~0").replace("/", "~1"), visit));
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                walk(node.get(i), pointer + "/" + i, visit);
            }
        }
    }
}
