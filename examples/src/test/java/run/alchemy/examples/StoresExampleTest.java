package run.alchemy.examples;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import run.alchemy.engine.Alchemy;
import run.alchemy.engine.Stage;
import run.alchemy.store.fs.FileSystemStateStore;
import run.alchemy.store.r2.R2StateStore;
import run.alchemy.store.s3.S3StateStore;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** docs/stores.md: the three ways to give the store. The S3 and R2 builders are made, not opened (that needs a server). */
class StoresExampleTest {
    @Test
    void threeWaysToGiveTheStore(@TempDir Path root) {
        // region stores
        // by URI: any installed store, found by ServiceLoader (default "fs:.alchemy")
        Alchemy.app("my-app").stage("dev").stateStore("fs:" + root)
                .run(app -> app.apply("a", Credentials.PROVIDER, new Credentials("a", null)));
        // a store instance, closed with the app
        Alchemy.app("my-app").stage("dev").stateStore(new FileSystemStateStore(root))
                .run(app -> app.apply("a", Credentials.PROVIDER, new Credentials("a", null)));
        // a factory of the stage scope, like Alchemy's stateStore: (scope) => …
        Stage s3 = Alchemy.app("my-app").stage("prod").stateStore(scope -> S3StateStore.builder()
                .bucket("my-state").prefix("teams/web/").region("eu-west-1").build());
        Stage r2 = Alchemy.app("my-app").stage("prod").stateStore(scope -> R2StateStore.builder()
                .bucket("my-state").account("0123abcd").build());  // token: CLOUDFLARE_API_TOKEN
        // by URI: "s3://my-state/teams/web/?region=eu-west-1", "r2://my-state/teams/web/?account=0123abcd"
        // endregion
        assertTrue(Files.isRegularFile(root.resolve("my-app/dev/a.json")));
        assertNotNull(s3);
        assertNotNull(r2);
    }
}
