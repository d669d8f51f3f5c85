package run.alchemy.examples;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import run.alchemy.api.Action;
import run.alchemy.api.ScopeOptions;
import run.alchemy.api.Secret;
import run.alchemy.engine.Alchemy;
import run.alchemy.engine.RotationReport;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** docs/secrets.md: secrets in props, a scope's own password, rotation. */
class SecretsExampleTest {
    @Test
    void secretsAreStoredEncrypted(@TempDir Path root) throws Exception {
        // region secrets
        Alchemy.app("my-app").stage("dev")
                .password("correct horse")                    // default: ALCHEMY_PASSWORD
                .stateStore("fs:" + root)
                .run(app -> {
                    app.apply("db", Credentials.PROVIDER, new Credentials("admin", Secret.of("s3cret")));
                    app.scope("vault", ScopeOptions.password("another password"), vault ->
                            vault.apply("root", Credentials.PROVIDER, new Credentials("root", Secret.of("t0p"))));
                });
        // endregion
        String db = Files.readString(root.resolve("my-app/dev/db.json"));
        assertTrue(db.contains("\"@secret\""), db);
        assertFalse(db.contains("s3cret"), db);
        String vault = Files.readString(root.resolve("my-app/dev/vault/root.json"));
        assertFalse(vault.contains("t0p"), vault);
    }

    @Test
    void rotation(@TempDir Path root) {
        Alchemy.app("my-app").stage("dev").password("correct horse").stateStore("fs:" + root)
                .run(app -> app.apply("db", Credentials.PROVIDER, new Credentials("admin", Secret.of("s3cret"))));
        // region secrets-rotate
        RotationReport report = Alchemy.app("my-app").stage("dev").password("correct horse")
                .stateStore("fs:" + root)
                .rotatePassword("new password", false);  // dryRun = true: count, write nothing
        // endregion
        assertEquals(1, report.rotated().size());
        assertEquals(2, report.secrets(), "the password in the props and in the output");
        List<Action> actions = new ArrayList<>();
        Alchemy.app("my-app").stage("dev").password("new password").stateStore("fs:" + root)
                .listener(o -> actions.add(o.action()))
                .run(app -> app.apply("db", Credentials.PROVIDER, new Credentials("admin", Secret.of("s3cret"))));
        assertEquals(List.of(Action.SKIPPED), actions);
    }
}
