package run.alchemy.engine;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The conformance vectors (real {@code .alchemy} trees written by Alchemy 0.94 with a
 * {@code MANIFEST.json} of expected values), loaded from the test class path
 * ({@code src/test/resources/vectors}).
 */
public final class VectorSupport {
    /** Plain Jackson, for reading manifests and raw state files (no Alchemy tag handling). */
    public static final ObjectMapper JSON = new ObjectMapper();
    /** Every vector directory; {@link #allVectorsArePresent} fails when one is added or missing. */
    public static final List<String> NAMES = List.of("basic", "destroyed", "legacy", "pending");

    private VectorSupport() {
    }

    /** The {@code vectors} directory of the test resources. */
    public static Path resources() {
        URL url = VectorSupport.class.getResource("/vectors/basic/MANIFEST.json");
        assertNotNull(url, "test resource /vectors/basic/MANIFEST.json is missing from the class path");
        try {
            return Path.of(url.toURI()).getParent().getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Every record file of every vector, as {vector name, relative path}: a {@code @MethodSource}. */
    public static Stream<String[]> recordFiles() {
        return NAMES.stream().flatMap(name -> load(name).files().keySet().stream().map(path -> new String[] {name, path}));
    }

    public static Vector load(String name) {
        return load(resources().resolve(name), name);
    }

    /** Copies the vector's directory into {@code target} (hidden {@code .alchemy} included) and loads the copy. */
    public static Vector copy(String name, Path target) {
        Path source = resources().resolve(name);
        Path dest = target.resolve(name);
        try (Stream<Path> walk = Files.walk(source)) {
            for (Path p : walk.toList()) {
                Path to = dest.resolve(source.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(p, to, StandardCopyOption.REPLACE_EXISTING);
                    to.toFile().setWritable(true);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return load(dest, name);
    }

    private static Vector load(Path dir, String name) {
        try {
            JsonNode manifest = JSON.readTree(dir.resolve("MANIFEST.json").toFile());
            assertEquals("alchemy-state-vector/1", manifest.path("format").asText(), name + ": manifest format");
            return new Vector(name, dir, manifest);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One vector: its directory (original or copy) and manifest. */
    public record Vector(String name, Path dir, JsonNode manifest) {
        public String password() {
            return manifest.get("password").asText();
        }

        public String app() {
            return manifest.get("app").asText();
        }

        public String stage() {
            return manifest.get("stage").asText();
        }

        /** The directory the manifest's paths are relative to (holds {@code .alchemy}). */
        public Path stateDir() {
            String root = manifest.path("stateRoot").asText("");
            return root.isEmpty() ? dir : dir.resolve(root);
        }

        /** The FileSystemStateStore root: {@code <stateDir>/.alchemy}. */
        public Path alchemyRoot() {
            return stateDir().resolve(".alchemy");
        }

        public Path file(String relative) {
            return stateDir().resolve(relative);
        }

        /** Manifest {@code files}, in manifest order. */
        public Map<String, JsonNode> files() {
            Map<String, JsonNode> out = new LinkedHashMap<>();
            manifest.get("files").properties().forEach(e -> out.put(e.getKey(), e.getValue()));
            return out;
        }

        public JsonNode entry(String relative) {
            JsonNode e = manifest.get("files").get(relative);
            assertNotNull(e, name + ": no manifest entry for " + relative);
            return e;
        }

        /** The manifest entry whose fqn is {@code fqn} (resources only; scope records have fqn ""). */
        public Map.Entry<String, JsonNode> entryByFqn(String fqn) {
            return files().entrySet().stream().filter(e -> fqn.equals(e.getValue().path("fqn").asText()))
                    .findFirst().orElseGet(() -> fail(name + ": no manifest file with fqn " + fqn));
        }

        public byte[] bytes(String relative) {
            return readBytes(file(relative));
        }

        public JsonNode raw(String relative) {
            try {
                return JSON.readTree(bytes(relative));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** The file's secrets as listed in the manifest (empty when none). */
        public List<JsonNode> list(JsonNode entry, String field) {
            List<JsonNode> out = new ArrayList<>();
            entry.path(field).forEach(out::add);
            return out;
        }

        @Override
        public String toString() {
            return name;
        }
    }

    public static byte[] readBytes(Path p) {
        try {
            return Files.readAllBytes(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The event log's directory inside {@code .alchemy}: alchemy-java's own, never part of Alchemy's state. */
    static boolean isAlchemyState(Path alchemy, Path p) {
        return !alchemy.relativize(p).startsWith(".alchemy-java");
    }

    /** Every regular file of Alchemy's state below {@code stateDir/.alchemy}, by path relative to {@code stateDir}. */
    public static Map<String, byte[]> snapshot(Path stateDir) {
        Map<String, byte[]> out = new TreeMap<>();
        Path alchemy = stateDir.resolve(".alchemy");
        if (!Files.exists(alchemy)) {
            return out;
        }
        try (Stream<Path> walk = Files.walk(alchemy)) {
            walk.filter(Files::isRegularFile).filter(p -> isAlchemyState(alchemy, p))
                    .forEach(p -> out.put(relative(stateDir, p), readBytes(p)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /** Every directory below {@code stateDir} that is {@code .alchemy} or inside it, relative, sorted. */
    public static List<String> directories(Path stateDir) {
        Path alchemy = stateDir.resolve(".alchemy");
        if (!Files.exists(alchemy)) {
            return List.of();
        }
        try (Stream<Path> walk = Files.walk(alchemy)) {
            return walk.filter(Files::isDirectory).filter(p -> isAlchemyState(alchemy, p))
                    .map(p -> relative(stateDir, p)).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String relative(Path base, Path p) {
        return base.relativize(p).toString().replace(p.getFileSystem().getSeparator(), "/");
    }

    /** Paths whose bytes differ between two snapshots (added, removed or changed), sorted. */
    public static List<String> changed(Map<String, byte[]> before, Map<String, byte[]> after) {
        TreeSet<String> all = new TreeSet<>(before.keySet());
        all.addAll(after.keySet());
        return all.stream().filter(k -> !java.util.Arrays.equals(before.get(k), after.get(k))).toList();
    }

    public static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    public static List<String> fieldNames(JsonNode object) {
        List<String> out = new ArrayList<>();
        object.fieldNames().forEachRemaining(out::add);
        return out;
    }

    /** The node at an RFC 6901 pointer; fails when there is none. */
    public static JsonNode at(JsonNode root, String pointer) {
        JsonNode n = root.at(JsonPointer.compile(pointer));
        assertTrue(n != null && !n.isMissingNode(), "nothing at " + pointer);
        return n;
    }

    /** Replaces the node at an RFC 6901 pointer (the parent must exist). */
    public static void set(JsonNode root, String pointer, JsonNode value) {
        JsonPointer p = JsonPointer.compile(pointer);
        JsonNode parent = at(root, p.head().toString());
        String last = p.last().getMatchingProperty();
        if (parent instanceof ObjectNode o) {
            assertTrue(o.has(last), "nothing at " + pointer);
            o.set(last, value);
        } else if (parent instanceof ArrayNode a) {
            a.set(Integer.parseInt(last), value);
        } else {
            fail("cannot set " + pointer + ": parent is " + parent.getNodeType());
        }
    }

    /**
     * Pointers of every {@code {"@secret": …}} object with a truthy value in a raw state file, in
     * document order (the order in which reading meets them).
     */
    public static List<String> secretPointers(JsonNode raw) {
        List<String> out = new ArrayList<>();
        collectSecrets(raw, "", out);
        return out;
    }

    private static void collectSecrets(JsonNode node, String pointer, List<String> out) {
        if (node.isObject()) {
            JsonNode s = node.get("@secret");
            if (s != null && !s.isNull() && !(s.isTextual() && s.textValue().isEmpty())) {
                out.add(pointer);
                return;
            }
            node.properties().forEach(e -> collectSecrets(e.getValue(),
                    pointer + "/" + e.getKey().replace("~", "~0").replace("/", "~1"), out));
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                collectSecrets(node.get(i), pointer + "/" + i, out);
            }
        }
    }

    /**
     * Asserts that {@code message} does not show {@code plaintext}: as a substring for values of
     * four characters or more, as a standalone token (not inside a word) for shorter ones such as
     * {@code "k"}, which occur in any text.
     */
    public static void assertNotShown(String plaintext, String message) {
        boolean shown = plaintext.length() >= 4 ? message.contains(plaintext)
                : java.util.regex.Pattern.compile("(?<![A-Za-z0-9])" + java.util.regex.Pattern.quote(plaintext)
                        + "(?![A-Za-z0-9])").matcher(message).find();
        assertTrue(!shown, "the message shows a secret value: " + message);
    }

    /**
     * Asserts two JSON trees are equal including the order of object keys, with a path in the
     * message (Jackson's {@code equals} ignores key order).
     */
    public static void assertSameJson(JsonNode expected, JsonNode actual, String where) {
        assertNotNull(actual, where + ": missing");
        assertEquals(expected.getNodeType(), actual.getNodeType(), where + ": node type");
        if (expected.isObject()) {
            assertEquals(fieldNames(expected), fieldNames(actual), where + ": keys (in order)");
            expected.properties().forEach(e ->
                    assertSameJson(e.getValue(), actual.get(e.getKey()), where + "/" + e.getKey()));
        } else if (expected.isArray()) {
            assertEquals(expected.size(), actual.size(), where + ": array length");
            for (int i = 0; i < expected.size(); i++) {
                assertSameJson(expected.get(i), actual.get(i), where + "/" + i);
            }
        } else {
            assertEquals(expected, actual, where);
        }
    }
}
