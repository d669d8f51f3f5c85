package run.alchemy.engine;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import run.alchemy.api.Action;
import run.alchemy.api.ApplyOptions;
import run.alchemy.api.ConfigurationException;
import run.alchemy.api.Phase;
import run.alchemy.api.Secret;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link Stage#plan}: the deploy's decisions, without a provider call or a written byte. */
class PlanTest {
    @TempDir
    Path dir;

    private final Thing thing = new Thing();

    private Stage stage() {
        return Alchemy.app("shop").stage("dev").environment(Map.of()).password("plan-test-pw")
                .stateStore("fs:" + dir.resolve(".alchemy")).provider(thing);
    }

    /** Deployed: a, b (with a secret), c, and scope s holding d. */
    private void deployed() {
        stage().run(app -> {
            app.apply("a", thing, new Thing.Props("A"));
            app.apply("b", thing, new Thing.Props("B", 1, Secret.of("token-1")));
            app.apply("c", thing, new Thing.Props("C"));
            app.scope("s", s -> s.apply("d", thing, new Thing.Props("D")));
        });
        thing.calls.clear();
    }

    private Map<String, String> storeBytes() {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.filter(Files::isRegularFile).toList()) {
                out.put(dir.relativize(p).toString(), HexFormat.of().formatHex(
                        MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p))));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
        return out;
    }

    private static Plan.Step step(Plan plan, String fqn) {
        return plan.steps().stream().filter(s -> s.address().fqn().equals(fqn)).findFirst()
                .orElseThrow(() -> new AssertionError("no step for " + fqn + " in " + plan));
    }

    @Test
    void itSaysWhatADeployWouldDoAndChangesNoByte() {
        deployed();
        Map<String, String> before = storeBytes();
        Thing.Output[] outputs = new Thing.Output[2];

        Plan plan = stage().plan(app -> {
            outputs[0] = app.apply("a", thing, new Thing.Props("A"));                             // skip
            app.apply("b", thing, new Thing.Props("B", 2, Secret.of("token-2")));                 // update
            outputs[1] = app.apply("new", thing, new Thing.Props("N"));                           // create
            app.scope("s2", s -> s.apply("e", thing, new Thing.Props("E")));                      // create in a new scope
            // c and scope s (with d) are no longer declared: deleted
        });

        assertEquals(List.of(), thing.briefs(), "no provider is called");
        assertEquals(before, storeBytes(), "no byte of the store changes (no record, no log event, no lock)");
        assertEquals(Action.SKIPPED, step(plan, "shop/dev/a").action());
        assertEquals("A", outputs[0].name(), "a skipped resource's stored output is returned");
        assertNull(outputs[1], "a resource to be created has no output yet");
        assertEquals(Action.CREATED, step(plan, "shop/dev/new").action());
        assertEquals(Action.CREATED, step(plan, "shop/dev/s2/e").action());
        assertEquals(Action.DELETED, step(plan, "shop/dev/c").action());
        assertEquals(Action.DELETED, step(plan, "shop/dev/s").action());
        assertEquals(Action.DELETED, step(plan, "shop/dev/s/d").action(), "a deleted scope takes its contents");

        Plan.Step b = step(plan, "shop/dev/b");
        assertEquals(Action.UPDATED, b.action());
        assertEquals(List.of("/props/size", "/props/token"), b.changes().stream().map(Change::pointer).toList());
        Change size = b.changes().get(0);
        assertEquals("1", size.before());
        assertEquals("2", size.after());
        Change token = b.changes().get(1);
        assertTrue(token.secret());
        assertNull(token.before());
        assertNull(token.after());
        assertFalse(plan.toString().contains("token-"), "no secret in the plan: " + plan);

        assertEquals(2, plan.count(Action.CREATED));
        assertEquals(1, plan.count(Action.UPDATED));
        assertEquals(1, plan.count(Action.SKIPPED));
        assertEquals(3, plan.count(Action.DELETED));
        assertTrue(plan.hasChanges());
    }

    @Test
    void aSecretIsChangedOnlyWhenItsPlaintextIs() {
        deployed();
        Plan plan = stage().plan(app -> {
            app.apply("a", thing, new Thing.Props("A"));
            app.apply("b", thing, new Thing.Props("B", 1, Secret.of("token-1")));
            app.apply("c", thing, new Thing.Props("C"));
            app.scope("s", s -> s.apply("d", thing, new Thing.Props("D")));
        });
        assertFalse(plan.hasChanges(), "the same program plans no change: " + plan);
        assertEquals(List.of(), step(plan, "shop/dev/b").changes());
        assertEquals(4, plan.count(Action.SKIPPED));
    }

    @Test
    void aForcedUpdateIsAnUpdateWithoutChanges() {
        deployed();
        Plan plan = stage().plan(app -> {
            app.apply("a", thing, new Thing.Props("A"), ApplyOptions.ALWAYS_UPDATE);
            app.apply("b", thing, new Thing.Props("B", 1, Secret.of("token-1")));
            app.apply("c", thing, new Thing.Props("C"));
            app.scope("s", s -> s.apply("d", thing, new Thing.Props("D")));
        });
        assertEquals(Action.UPDATED, step(plan, "shop/dev/a").action());
        assertEquals(List.of(), step(plan, "shop/dev/a").changes());
        assertEquals(1, plan.count(Action.UPDATED));
    }

    @Test
    void aPlanOfAnEmptyStageCreatesEverythingAndWritesNothing() {
        Plan plan = stage().plan(app -> app.apply("a", thing, new Thing.Props("A")));
        assertEquals(1, plan.count(Action.CREATED));
        assertEquals(Map.of(), storeBytes(), "not even the store's folder is made");
    }

    @Test
    void onlyADeployIsPlanned() {
        ConfigurationException e = assertThrows(ConfigurationException.class,
                () -> stage().phase(Phase.DESTROY).plan(app -> { }));
        assertTrue(e.getMessage().contains("phase UP"), e.getMessage());
    }
}
