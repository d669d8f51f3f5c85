// region api-tour
package run.alchemy.examples;

import run.alchemy.api.Phase;
import run.alchemy.engine.Alchemy;
import run.alchemy.providers.fs.FileOutput;
import run.alchemy.providers.fs.FileProps;
import run.alchemy.providers.fs.FsResources;

import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;

class ApiTour {
    static void deploy(Path out, String stateDir) {
        try (Alchemy app = Alchemy.app("my-app")              // the root scope
                .stage("dev")                                // default: STAGE, ALCHEMY_STAGE, USER, USERNAME, "dev"
                .phase(Phase.UP)                             // UP | DESTROY | READ
                .password(System.getenv("ALCHEMY_PASSWORD")) // encrypts Secret values (default: ALCHEMY_PASSWORD)
                .stateStore("fs:" + stateDir)                // any installed store, by URI (ServiceLoader)
                .concurrency(8)                              // bound for applyAsync
                .open()) {
            FileOutput f = app.apply("config", FsResources.FILE, new FileProps(out.resolve("a.txt").toString(), "hello"));
            app.scope("child", s -> s.apply("nested", FsResources.FILE, new FileProps(out.resolve("b.txt").toString(), "hi")));
            CompletableFuture<FileOutput> g = app.applyAsync("async", FsResources.FILE, new FileProps(out.resolve("c.txt").toString(), "x"));
            System.out.println(f.path() + " " + g.join().path());
        }   // close() = Alchemy's app.finalize(): resources no longer declared are deleted
    }
}
// endregion
