package run.alchemy.examples;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import run.alchemy.api.Phase;
import run.alchemy.api.event.ResourceEvent;
import run.alchemy.engine.Address;
import run.alchemy.engine.Alchemy;
import run.alchemy.engine.Change;
import run.alchemy.engine.History;
import run.alchemy.engine.Run;
import run.alchemy.engine.VerifyReport;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** docs/history.md: reading the event log of the README program's stage. */
class HistoryExampleTest {
    @Test
    void readsTheLog(@TempDir Path dir) {
        Hello.deploy(dir, "one", Phase.UP, o -> { });
        Hello.deploy(dir, "two", Phase.UP, o -> { });
        // region history
        try (History history = Alchemy.app("hello").stage("dev").stateStore("fs:" + dir.resolve(".alchemy")).history()) {
            for (Run run : history.runs()) {
                System.out.println(run.runId() + " " + run.result() + " " + run.from() + "-" + run.to());
            }
            List<ResourceEvent> events = history.of(new Address(List.of("hello", "dev"), "greeting"));
            long updates = events.stream().filter(e -> e.type() == ResourceEvent.Type.UPDATED).count();
            Map<Address, String> then = history.stateAt(1);       // the stage at log position 1, a fold of the log
            List<Change> changes = history.diff(1, history.head());  // JSON pointers; secrets only "changed"
            VerifyReport report = history.verify();                // the snapshots against the log
            if (!report.ok()) {
                history.rebuild();                                 // restores them from the log
            }
        }
        // endregion
        try (History history = Alchemy.app("hello").stage("dev").stateStore("fs:" + dir.resolve(".alchemy")).history()) {
            List<Run> runs = history.runs();
            assertEquals(2, runs.size(), runs.toString());
            assertEquals(List.of(Run.Result.SUCCEEDED, Run.Result.SUCCEEDED), runs.stream().map(Run::result).toList());
            List<ResourceEvent> greeting = history.of(new Address(List.of("hello", "dev"), "greeting"));
            assertEquals(List.of(ResourceEvent.Type.DECLARED, ResourceEvent.Type.CREATING, ResourceEvent.Type.CREATED,
                    ResourceEvent.Type.UPDATING, ResourceEvent.Type.UPDATED), greeting.stream().map(ResourceEvent::type).toList());
            Map<Address, String> first = history.stateAt(runs.get(0).to());
            assertTrue(first.values().stream().anyMatch(json -> json.contains("\"one\"")), first.toString());
            List<Change> changes = history.diff(runs.get(0).to(), history.head());
            assertTrue(changes.stream().anyMatch(c -> c.pointer().contains("text")), changes.toString());
            assertTrue(history.verify().ok());
        }
    }
}
