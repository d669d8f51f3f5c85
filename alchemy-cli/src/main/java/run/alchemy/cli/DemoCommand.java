package run.alchemy.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import run.alchemy.api.Outcome;
import run.alchemy.api.Phase;
import run.alchemy.cli.state.Runs;
import run.alchemy.engine.Alchemy;
import run.alchemy.engine.History;
import run.alchemy.engine.Stage;
import run.alchemy.providers.fs.FileProps;
import run.alchemy.providers.fs.FsResources;
import run.alchemy.providers.fs.FolderProps;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * Deploys a small stack of real files on the file-system store, redeploys it unchanged, changes
 * one resource and drops another, then destroys it — printing each resource's fate as Alchemy does,
 * and finally the stage's history: the runs, their counts and their positions in the event log.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        header = "Deploy, change and destroy a stack of files; show the history.",
        description = "Deploy, redeploy, change and destroy a small stack of files, then show the stage's history.",
        footerHeading = "%nExamples:%n",
        footer = {
                "  ./alchemy demo                  in a new temporary folder, deleted at the end",
                "  ./alchemy demo --dir /tmp/demo  keep it (state in /tmp/demo/.alchemy)",
                "  NO_COLOR=1 ./alchemy demo       without colours"})
final class DemoCommand implements Callable<Integer> {
    @Option(names = "--dir", paramLabel = "DIR", description = "Scratch folder, kept (default: a new temporary folder, deleted at the end).")
    Path dir;

    private Io io;
    private PrintStream out;

    @Override
    public Integer call() throws IOException {
        io = Io.current();
        out = io.out;
        Path work = (dir != null ? dir : Files.createTempDirectory("alchemy-demo")).toAbsolutePath();
        Path site = work.resolve("site");
        Path state = work.resolve(".alchemy");
        out.println("alchemy demo: files in " + site + ", state in " + state);
        try {
            step("1. deploy", state, Phase.UP, app -> stack(app, site, "<p>v1</p>", true));
            step("2. redeploy, nothing changed", state, Phase.UP, app -> stack(app, site, "<p>v1</p>", true));
            step("3. change 'about', drop the 'config' scope", state, Phase.UP, app -> stack(app, site, "<p>v2</p>", false));
            step("4. destroy", state, Phase.DESTROY, app -> { });
            history(state);
        } finally {
            if (dir == null) {
                deleteTree(work);
            }
        }
        String files = Files.exists(site) ? site + " is still there" : "its files are gone";
        out.println(io.paint("done", "1") + ": stage demo/dev destroyed; " + files + "; " + (dir == null
                ? "the scratch folder " + work + " is deleted (--dir DIR keeps it)"
                : "its history is kept in " + state));
        return 0;
    }

    /** Deletes the demo's own scratch folder (never one given with --dir). */
    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (java.util.stream.Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** The demo's program: a folder, two pages and, optionally, a scope holding robots.txt. */
    private static void stack(Alchemy app, Path site, String about, boolean withConfig) {
        app.apply("site", FsResources.FOLDER, new FolderProps(site.toString(), null, true));
        app.apply("index", FsResources.FILE, new FileProps(site.resolve("index.html").toString(), "<h1>Hello</h1>"));
        app.apply("about", FsResources.FILE, new FileProps(site.resolve("about.html").toString(), about));
        if (withConfig) {
            app.scope("config", s -> s.apply("robots", FsResources.FILE,
                    new FileProps(site.resolve("robots.txt").toString(), "User-agent: *")));
        }
    }

    private void step(String title, Path state, Phase phase, java.util.function.Consumer<Alchemy> program) {
        out.println();
        out.println(io.paint(title, "1"));
        try (Alchemy app = demoStage(state).phase(phase).listener(this::print).open()) {
            if (phase == Phase.UP) {
                program.accept(app);
            }
        }
    }

    private static Stage demoStage(Path state) {
        return Alchemy.app("demo").stage("dev").program("alchemy demo")
                .stateStore("fs:" + state.toUri().getRawPath()) // by URI: the command knows no store class; escaped, for folders with spaces
                .provider(FsResources.FILE).provider(FsResources.FOLDER);
    }

    /** The runs the event log recorded; the no-op redeploy wrote nothing, so it has none. */
    private void history(Path state) {
        out.println();
        out.println(io.paint("5. history of demo/dev (alchemy state runs --store fs:" + state
                + " --app demo --stage dev)", "1"));
        try (History history = demoStage(state).history()) {
            List<Runs.Row> rows = Runs.of(history);
            out.println("  " + io.paint(Runs.header(), "2"));
            for (Runs.Row row : rows) {
                out.println("  " + Runs.line(row, io));
            }
            out.println("  " + Words.count(rows.size(), "run") + " wrote " + Words.count(history.head(), "event")
                    + "; the unchanged redeploy wrote none, so it is not listed");
        }
    }

    private void print(Outcome o) {
        out.println("  " + Outcomes.line(o, io));
    }
}
