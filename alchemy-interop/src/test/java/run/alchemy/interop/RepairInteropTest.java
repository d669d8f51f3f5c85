package run.alchemy.interop;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import run.alchemy.engine.Address;
import run.alchemy.engine.Alchemy;
import run.alchemy.engine.History;
import run.alchemy.engine.RestorePoint;
import run.alchemy.engine.Run;
import run.alchemy.engine.Stage;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static run.alchemy.interop.TestStack.APP;
import static run.alchemy.interop.TestStack.PASSWORD;
import static run.alchemy.interop.TestStack.SECRET_ENV;
import static run.alchemy.interop.TestStack.SECRET_VALUE;
import static run.alchemy.interop.TestStack.STAGE;

/**
 * After an operator's repair (forget, move, restore) the stage is still one the real Alchemy 0.94
 * reads: it skips what is unchanged, and makes again only what the repair took out of state.
 */
@Timeout(value = 600, unit = TimeUnit.SECONDS)
class RepairInteropTest {
    private static RealAlchemy node;

    @TempDir
    Path tmp;

    @BeforeAll
    static void setUp() {
        node = new RealAlchemy(PASSWORD);
    }

    private TestStack stack() {
        return TestStack.sample(APP, STAGE, tmp.resolve("out"), new TestStack.SecretRef(SECRET_ENV, SECRET_VALUE), false);
    }

    private Path workdir() {
        return tmp.resolve("work");
    }

    private Stage stage() {
        return Alchemy.app(APP).stage(STAGE).password(PASSWORD).environment(Map.of())
                .stateStore("fs:" + workdir().resolve(".alchemy")).provider(ValueProvider.VALUE);
    }

    private void deploy(TestStack stack) {
        try (Alchemy app = stage().open()) {
            stack.applyTo(app);
        }
    }

    private void verified() {
        try (History h = stage().history()) {
            assertTrue(h.verify().ok(), "the snapshots match the log: " + h.verify());
        }
    }

    private static String fqn(String id) {
        return APP + "/" + STAGE + "/" + id;
    }

    @Test
    void afterAForgetTheRealAlchemyCreatesOnlyWhatWasForgotten() {
        TestStack stack = stack();
        deploy(stack);
        assertEquals(List.of(new Address(List.of(APP, STAGE), "readme")),
                stage().forget(List.of(new Address(List.of(APP, STAGE), "readme")), false));
        verified();
        RealAlchemy.Report report = node.deploy(stack, workdir());
        assertEquals(List.of(fqn("readme")), report.written(), "stderr:\n" + report.stderr());
        assertEquals(List.of(), report.deleted());
    }

    @Test
    void afterAMoveTheRealAlchemySkipsTheResourceUnderItsNewId() {
        TestStack stack = stack();
        deploy(stack);
        stage().move(new Address(List.of(APP, STAGE), "api"), new Address(List.of(APP, STAGE), "api-v2"));
        verified();
        List<TestStack.Res> renamed = new ArrayList<>();
        for (TestStack.Res r : stack.resources()) {
            renamed.add(r.id().equals("api") ? new TestStack.Res("api-v2", r.kind(), r.props()) : r);
        }
        RealAlchemy.Report report = node.deploy(new TestStack(stack.app(), stack.stage(), renamed, stack.scopes()), workdir());
        assertEquals(List.of(), report.written(), "the moved record is skipped under its new id; stderr:\n" + report.stderr());
        assertEquals(List.of(), report.deleted(), "and nothing is deleted");
    }

    @Test
    void afterARestoreTheRealAlchemySkipsTheStackOfThen() {
        TestStack v1 = stack();
        deploy(v1);
        deploy(v1.withContent("readme", "version two\n"));
        List<Run> runs;
        try (History h = stage().history()) {
            runs = h.runs();
        }
        assertEquals(2, runs.size(), runs.toString());
        assertTrue(stage().restore(RestorePoint.endOfRun(runs.get(0).runId()), false).changes().size() > 0);
        verified();
        RealAlchemy.Report report = node.deploy(v1, workdir());
        assertEquals(List.of(), report.written(), "the state is that of the first run again; stderr:\n" + report.stderr());
        assertEquals(List.of(), report.deleted());
    }
}
