package run.alchemy.cli.state;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import run.alchemy.api.spi.StateStore;
import run.alchemy.cli.CliException;
import run.alchemy.cli.Io;
import run.alchemy.cli.Json;
import run.alchemy.cli.StageRef;
import run.alchemy.cli.Stores;
import run.alchemy.cli.StoreOption;
import run.alchemy.cli.Words;
import run.alchemy.engine.StateStores;

import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.Callable;

/** {@code alchemy state stages}: the stages of an app (or of every app), each with its records and log events. */
@Command(name = "stages", mixinStandardHelpOptions = true,
        header = "The stages of an app, with counts.",
        description = "Every stage of the app (--app; default: every app the store lists), with how many records it"
                + " holds (in every scope) and how many events its log holds (0: no log, e.g. state written by Alchemy).",
        footerHeading = "%nExamples:%n",
        footer = {"  ./alchemy state stages --app my-app", "  ./alchemy state stages --json | jq '.[] | select(.records == 0)'"})
final class StagesCommand implements Callable<Integer> {
    @Mixin
    StoreOption store = new StoreOption();

    @Option(names = "--app", paramLabel = "NAME", description = "The app (default: every app in the store).")
    String app;

    @Option(names = "--json", description = "Print JSON, for scripts.")
    boolean json;

    @Override
    public Integer call() {
        Io io = Io.current();
        try (StateStore s = Stores.open(store.uri())) {
            TreeSet<String> apps = app != null ? new TreeSet<>(List.of(app))
                    : Inventory.apps(s, store.uri(), "name the app with --app NAME");
            List<Inventory> rows = apps.stream().flatMap(a -> Inventory.of(s, a).stream()).toList();
            if (app != null && rows.isEmpty()) {
                TreeSet<String> there = StageRef.apps(s);
                throw CliException.usage("no app \"" + app + "\" in " + StateStores.describe(store.uri())
                        + (there.isEmpty() ? " (it is empty)" : " (apps: " + String.join(", ", there) + ")"),
                        "--app NAME selects the app; --store names the store");
            }
            if (json) {
                io.out.println(Json.pretty(Inventory.json(rows)));
            } else {
                for (Inventory r : rows) {
                    io.out.println(String.format("%-32s %s, %s", r.app() + "/" + r.stage(), Words.count(r.records(), "record"),
                            r.events() == 0 ? "no log" : Words.count(r.events(), "event")));
                }
            }
            String summary = Words.count(rows.size(), "stage") + (app != null ? " of " + app : "") + " in "
                    + StateStores.describe(store.uri());
            if (json) {
                io.err.println(summary);
            } else {
                io.out.println(io.paint(summary, "1"));
            }
            return 0;
        }
    }
}
