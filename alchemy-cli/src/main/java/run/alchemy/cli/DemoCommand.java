package run.alchemy.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import run.alchemy.api.Outcome;
import run.alchemy.api.Phase;
import run.alchemy.engine.Alchemy;
import run.alchemy.providers.fs.FileProps;
import run.alchemy.providers.fs.Files;
import run.alchemy.providers.fs.FolderProps;
import run.alchemy.store.fs.FileSystemStateStore;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * Deploys a small stack of real files on the file-system store, redeploys it unchanged, changes
 * one resource and drops another, then destroys it — printing each resource's fate as Alchemy does.
 */
@Command(name = "demo", description = "Deploy, redeploy, change and destroy a small stack of files.")
final class DemoCommand implements Callable<Integer> {
    @Option(names = "--dir", description = "Scratch folder (default: a new temporary folder).")
    Path dir;

    @Option(names = "--no-color", description = "No colours, even on a terminal (NO_COLOR is respected too).")
    boolean noColor;

    private PrintStream out;
    private boolean color;

    @Override
    public Integer call() throws IOException {
        out = System.out;
        color = !noColor && System.getenv("NO_COLOR") == null && System.console() != null;
        Path work = (dir != null ? dir : java.nio.file.Files.createTempDirectory("alchemy-demo")).toAbsolutePath();
        Path site = work.resolve("site");
        Path state = work.resolve(".alchemy");
        out.println("alchemy demo: files in " + site + ", state in " + state);

        step("1. deploy", state, Phase.UP, app -> stack(app, site, "<p>v1</p>", true));
        step("2. redeploy, nothing changed", state, Phase.UP, app -> stack(app, site, "<p>v1</p>", true));
        step("3. change 'about', drop the 'config' scope", state, Phase.UP, app -> stack(app, site, "<p>v2</p>", false));
        step("4. destroy", state, Phase.DESTROY, app -> { });
        out.println(paint("done", "1") + ": stage demo/dev destroyed; " + (java.nio.file.Files.exists(site)
                ? site + " is still there" : "its files are gone"));
        return 0;
    }

    /** The demo's program: a folder, two pages and, optionally, a scope holding robots.txt. */
    private static void stack(Alchemy app, Path site, String about, boolean withConfig) {
        app.apply("site", Files.FOLDER, new FolderProps(site.toString(), null, true));
        app.apply("index", Files.FILE, new FileProps(site.resolve("index.html").toString(), "<h1>Hello</h1>"));
        app.apply("about", Files.FILE, new FileProps(site.resolve("about.html").toString(), about));
        if (withConfig) {
            app.scope("config", s -> s.apply("robots", Files.FILE,
                    new FileProps(site.resolve("robots.txt").toString(), "User-agent: *")));
        }
    }

    private void step(String title, Path state, Phase phase, java.util.function.Consumer<Alchemy> program) {
        out.println();
        out.println(paint(title, "1"));
        try (Alchemy app = Alchemy.app("demo").stage("dev").phase(phase)
                .stateStore(new FileSystemStateStore(state))
                .provider(Files.FILE).provider(Files.FOLDER)
                .listener(this::print).open()) {
            if (phase == Phase.UP) {
                program.accept(app);
            }
        }
    }

    private void print(Outcome o) {
        String code = switch (o.action()) {
            case CREATED -> "32";
            case UPDATED, REPLACED -> "33";
            case DELETED -> "31";
            case SKIPPED, READ -> "2";
        };
        out.printf("  %-10s %s (%s)%n", paint(o.action().tag(), code), o.fqn(), o.kind());
    }

    private String paint(String text, String code) {
        return color ? "\u001b[" + code + "m" + text + "\u001b[0m" : text;
    }

}
