package run.alchemy.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import run.alchemy.api.ScopeOptions;
import run.alchemy.api.Secret;
import run.alchemy.api.spi.StateStore;
import run.alchemy.engine.Alchemy;
import run.alchemy.engine.Stage;
import run.alchemy.engine.StateStores;

import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * No secret or password leaks on the file-system store (issue #17): every command in this JVM
 * (deploy, plan, each state command, completion, help, demo) and the failure paths (the wrong
 * password, a damaged secret envelope, a record that is not JSON), then every file under the test's
 * folder swept: records, the {@code .alchemy-java} log segments, index, lock and projection files,
 * temp files, the export, the timeline page, the demo's files; and every log line.
 */
class FsLeakSweepTest {
    @TempDir
    Path dir;

    @Test
    void noCanaryInAnyFileOutputLogOrValue() throws Exception {
        Path state = dir.resolve("state");
        String uri = "fs:" + state;
        LeakScenario s = new LeakScenario((env, args) -> Cli.run(env, args), uri, dir, Map.of());
        s.sweep.assertDetects(dir.resolve("scratch"));
        try (AutoCloseable logs = s.sweep.logs()) {
            s.core();
            s.repairs();
            s.run(0, "demo", "--dir", dir.resolve("demo").toString(), "--no-color");
            s.failures((id, bytes) -> Cli.write(state.resolve(LeakScenario.APP).resolve(LeakScenario.STAGE)
                    .resolve(id + ".json"), new String(bytes, java.nio.charset.StandardCharsets.UTF_8)));
        }
        try (StateStore store = StateStores.open(uri)) {
            LeakScenario.dump(store, s.sweep);
            s.sweep.value("FileSystemStateStore", store);
        }
        valuesThatHoldThem(s, uri);
        s.sweep.tree(dir);
        s.sweep.assertClean(20);
        System.out.println("fs leak sweep: " + s.commands() + " commands; " + s.sweep.summary());
        assertTrue(s.commands() > 30, "every command ran");
    }

    /** The public values a secret or password is handed to: each one's {@code toString()}, and a run's. */
    private static void valuesThatHoldThem(LeakScenario s, String uri) {
        String password = s.sweep.canaries().get(1).value();
        s.sweep.value("Secret", Secret.of(s.secret));
        s.sweep.value("Secret.ofJson", Secret.ofJson("{\"k\": \"" + s.secret + "\"}"));
        s.sweep.value("ScopeOptions", new ScopeOptions(password));
        Stage stage = Alchemy.app("values").stage("dev").stateStore(uri).password(password)
                .environment(Map.of("ALCHEMY_PASSWORD", password, "API_KEY", s.secret));
        s.sweep.value("Stage", stage);
        try (Alchemy app = stage.open()) {
            s.sweep.value("Alchemy", app);
        }
    }
}
