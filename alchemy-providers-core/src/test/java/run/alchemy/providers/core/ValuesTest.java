package run.alchemy.providers.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import run.alchemy.api.Phase;
import run.alchemy.api.Secret;
import run.alchemy.engine.Alchemy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A plain Java program (engine, fs store, this module) declaring {@code alchemy::Value}s. */
class ValuesTest {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    @TempDir
    Path dir;

    private List<String> run(Phase phase, Consumer<Alchemy> program) {
        List<String> outcomes = new ArrayList<>();
        Alchemy.app("values").stage("dev").phase(phase).password("pw")
                .stateStore("fs:" + dir.resolve(".alchemy"))
                .listener(o -> outcomes.add(o.action().tag() + " " + o.fqn() + " " + o.kind()))
                .run(program);
        return outcomes;
    }

    private static ObjectNode props(String url) {
        ObjectNode p = NODES.objectNode().put("url", url);
        p.putArray("ports").add(80).add(443);
        p.putObject("nested").put("on", true).putNull("none");
        p.set("key", NODES.pojoNode(Secret.of("s3cr3t")));
        return p;
    }

    private Path record() {
        return dir.resolve(".alchemy/values/dev/api.json");
    }

    @Test
    void aValueIsCreatedSkippedUpdatedAndDeletedAsAnOrphan() throws Exception {
        JsonNode[] out = new JsonNode[1];
        assertEquals(List.of("[created] values/dev/api alchemy::Value"),
                run(Phase.UP, app -> out[0] = app.apply("api", Values.VALUE, props("https://a"))));
        assertEquals("https://a", out[0].get("url").asText(), "its output is its props");
        assertEquals(443, out[0].at("/ports/1").asInt());
        String stored = Files.readString(record());
        assertTrue(stored.contains("\"@secret\""), stored);
        assertFalse(stored.contains("s3cr3t"), "the secret is encrypted in state: " + stored);

        assertEquals(List.of("[skipped] values/dev/api alchemy::Value"),
                run(Phase.UP, app -> out[0] = app.apply("api", Values.VALUE, props("https://a"))));
        Object key = out[0].get("key") == null ? null : ((com.fasterxml.jackson.databind.node.POJONode) out[0].get("key")).getPojo();
        assertEquals("s3cr3t", ((Secret) key).reveal(), "a stored secret comes back as a Secret");

        assertEquals(List.of("[updated] values/dev/api alchemy::Value"),
                run(Phase.UP, app -> out[0] = app.apply("api", Values.VALUE, props("https://b"))));
        assertEquals("https://b", out[0].get("url").asText());

        // A program that no longer declares it (and never names the provider): found by ServiceLoader.
        assertEquals(List.of("[deleted] values/dev/api alchemy::Value"), run(Phase.UP, app -> { }));
        assertFalse(Files.exists(record()));
    }

    @Test
    void aStageWithValuesIsDestroyedByAProgramThatDoesNotDeclareThem() {
        run(Phase.UP, app -> {
            app.apply("api", Values.VALUE, props("https://a"));
            app.apply("empty", Values.VALUE, null);
        });
        assertTrue(Files.exists(record()));
        List<String> destroyed = run(Phase.DESTROY, app -> { });
        assertEquals(List.of("[deleted] values/dev/api alchemy::Value", "[deleted] values/dev/empty alchemy::Value"),
                destroyed.stream().sorted().toList());
        assertFalse(Files.exists(record()));
    }
}
