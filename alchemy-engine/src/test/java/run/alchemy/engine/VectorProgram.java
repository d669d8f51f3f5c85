package run.alchemy.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.POJONode;
import run.alchemy.api.Context;
import run.alchemy.api.Operation;
import run.alchemy.api.ResourceProvider;
import run.alchemy.api.Scope;
import run.alchemy.api.Secret;
import run.alchemy.engine.VectorSupport.Vector;
import run.alchemy.engine.internal.StateSerde;
import run.alchemy.engine.internal.secrets.SecretCodec;
import run.alchemy.store.fs.FileSystemStateStore;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * "The program of the last step" of a vector, rebuilt from its stored tree: every record is
 * declared again, in seq order, with the props it was stored with (secrets as {@link Secret},
 * schemas wrapped in {@code @schema} as a program passes them); {@code alchemy::Scope} records
 * with fqn {@code ""} are named scopes, and the children of a resource are applied by its
 * provider inside its own scope. Providers record every call.
 */
final class VectorProgram {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final String SCOPE_KIND = "alchemy::Scope";

    /** One provider call as Alchemy's vector generator records it: id, fqn, phase. */
    record Call(String id, String fqn, String phase, JsonNode props, JsonNode output) {
        String brief() {
            return phase + " " + fqn;
        }
    }

    final Vector vector;
    final StateSerde serde = new StateSerde();
    final SecretCodec codec;
    final List<Call> calls = new CopyOnWriteArrayList<>();
    /** Files of the records in the order the program declares them (paths relative to the state dir). */
    final List<String> declared = new CopyOnWriteArrayList<>();
    final Map<String, Provider> providers = new TreeMap<>();
    private final Map<String, Consumer<Scope>> children = new ConcurrentHashMap<>();

    VectorProgram(Vector vector) {
        this.vector = vector;
        this.codec = new SecretCodec(vector.password());
        for (JsonNode entry : vector.files().values()) {
            String kind = entry.get("kind").asText();
            if (!SCOPE_KIND.equals(kind)) {
                providers.computeIfAbsent(kind, Provider::new);
            }
        }
    }

    /** The stage of a run of this vector's app and stage on its (copied) tree, with every provider. */
    Stage builder(String password) {
        Stage b = Alchemy.app(vector.app()).stage(vector.stage()).password(password)
                .environment(Map.of())
                .stateStore(new FileSystemStateStore(vector.alchemyRoot()));
        for (Provider p : providers.values()) {
            b = b.provider(p);
        }
        return b;
    }

    /** Declares the whole stored program in the app's stage. */
    void declare(Alchemy app) {
        declare(app, vector.alchemyRoot().resolve(vector.app()).resolve(vector.stage()));
    }

    private void declare(Scope scope, Path dir) {
        for (Stored s : records(dir)) {
            ObjectNode record = s.record();
            String id = record.get("id").asText();
            String kind = record.get("kind").asText();
            declared.add(s.path());
            Path own = dir.resolve(id);
            if (SCOPE_KIND.equals(kind) && record.get("fqn").asText().isEmpty()) {
                scope.scope(id, child -> declare(child, own));
                continue;
            }
            Provider provider = providers.get(kind);
            assertTrue(provider != null, "no provider for " + kind);
            if (Files.isDirectory(own)) {
                children.put(record.get("fqn").asText(), child -> declare(child, own));
            }
            scope.apply(id, provider, programProps(s.path(), record));
        }
    }

    private record Stored(String path, ObjectNode record) {
    }

    private List<Stored> records(Path dir) {
        List<Stored> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(p -> Files.isRegularFile(p) && p.getFileName().toString().endsWith(".json"))
                    .toList()) {
                String rel = vector.stateDir().relativize(f).toString().replace(f.getFileSystem().getSeparator(), "/");
                out.add(new Stored(rel, serde.readRecord(Files.readAllBytes(f), rel, codec)));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        out.sort(Comparator.comparingInt(s -> s.record().get("seq").asInt()));
        return out;
    }

    /** The props as the program passes them: secrets as {@link Secret}, schemas wrapped. */
    JsonNode programProps(String path, ObjectNode stored) {
        if (!stored.has("props")) {
            return null;
        }
        JsonNode entry = vector.entry(path);
        ObjectNode copy = stored.deepCopy();
        for (JsonNode s : vector.list(entry, "secrets")) {
            String pointer = s.get("pointer").asText();
            if (pointer.startsWith("/props/")) {
                String plaintext = s.get("plaintext").asText();
                Secret secret = s.get("format").asText().endsWith("+data") ? Secret.ofJson(plaintext) : Secret.of(plaintext);
                VectorSupport.set(copy, pointer, NODES.pojoNode(secret));
            }
        }
        for (JsonNode s : vector.list(entry, "schemas")) {
            String pointer = s.get("pointer").asText();
            if (pointer.startsWith("/props/")) {
                ObjectNode wrapped = NODES.objectNode();
                wrapped.set("@schema", s.get("value").deepCopy());
                VectorSupport.set(copy, pointer, wrapped);
            }
        }
        JsonNode props = copy.get("props");
        assertOnlyPlainSecrets(props, path + "#/props");
        return props;
    }

    private static void assertOnlyPlainSecrets(JsonNode node, String where) {
        if (node instanceof POJONode pojo) {
            if (!(pojo.getPojo() instanceof Secret)) {
                fail("secret at " + where + " is not listed in the manifest");
            }
        } else if (node.isContainerNode()) {
            node.properties().forEach(e -> assertOnlyPlainSecrets(e.getValue(), where + "/" + e.getKey()));
            if (node.isArray()) {
                for (int i = 0; i < node.size(); i++) {
                    assertOnlyPlainSecrets(node.get(i), where + "/" + i);
                }
            }
        }
    }

    /** Calls as {@code [phase fqn]} strings. */
    List<String> briefs() {
        return calls.stream().map(Call::brief).toList();
    }

    /** A provider whose output is its props, recording every call; children come from the tree. */
    final class Provider implements ResourceProvider<JsonNode, JsonNode> {
        private final String kind;

        Provider(String kind) {
            this.kind = kind;
        }

        @Override
        public String kind() {
            return kind;
        }

        @Override
        public Class<JsonNode> propsType() {
            return JsonNode.class;
        }

        @Override
        public Class<JsonNode> outputType() {
            return JsonNode.class;
        }

        @Override
        public JsonNode create(Context<JsonNode, JsonNode> ctx, JsonNode props) {
            return run(ctx, props);
        }

        @Override
        public JsonNode update(Context<JsonNode, JsonNode> ctx, JsonNode props) {
            return run(ctx, props);
        }

        private JsonNode run(Context<JsonNode, JsonNode> ctx, JsonNode props) {
            calls.add(new Call(ctx.id(), ctx.fqn(), phase(ctx.operation()), props, ctx.output()));
            Consumer<Scope> body = children.get(ctx.fqn());
            if (body != null) {
                body.accept(ctx.scope());
            }
            return props;
        }

        @Override
        public void delete(Context<JsonNode, JsonNode> ctx, JsonNode props, JsonNode output) {
            calls.add(new Call(ctx.id(), ctx.fqn(), phase(ctx.operation()), props, output));
        }

        private String phase(Operation phase) {
            return phase.name().toLowerCase(java.util.Locale.ROOT);
        }

        @Override
        public String toString() {
            return "VectorProgram.Provider(" + kind + ")";
        }
    }
}
