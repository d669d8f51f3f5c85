package run.alchemy.cli.state;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import run.alchemy.api.spi.StateStore;
import run.alchemy.cli.Io;
import run.alchemy.cli.Json;
import run.alchemy.cli.Stores;
import run.alchemy.cli.StoreOption;
import run.alchemy.cli.Words;
import run.alchemy.engine.StateStores;

import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.Callable;

/** {@code alchemy state apps}: the apps a store holds, each with its stages, records and log events. */
@Command(name = "apps", mixinStandardHelpOptions = true,
        header = "The apps a store holds, with counts.",
        description = "Every app in the store, with how many stages it has, how many records they hold (in every"
                + " scope) and how many events their logs hold. A store that cannot list its apps (a Durable Object"
                + " store holds one app per object) says so.",
        footerHeading = "%nExamples:%n",
        footer = {"  ./alchemy state apps", "  ./alchemy state apps --store s3://my-state/teams/ --json"})
final class AppsCommand implements Callable<Integer> {
    @Mixin
    StoreOption store = new StoreOption();

    @Option(names = "--json", description = "Print JSON, for scripts.")
    boolean json;

    @Override
    public Integer call() {
        Io io = Io.current();
        try (StateStore s = Stores.open(store.uri())) {
            TreeSet<String> apps = Inventory.apps(s, store.uri(), "name the app: ./alchemy state stages --app NAME");
            var list = Json.NODES.arrayNode();
            for (String app : apps) {
                List<Inventory> stages = Inventory.of(s, app);
                int records = stages.stream().mapToInt(Inventory::records).sum();
                long events = stages.stream().mapToLong(Inventory::events).sum();
                if (json) {
                    list.addObject().put("app", app).put("stages", stages.size()).put("records", records)
                            .put("events", events);
                } else {
                    io.out.println(String.format("%-24s %s, %s, %s", app, Words.count(stages.size(), "stage"),
                            Words.count(records, "record"), Words.count(events, "event")));
                }
            }
            if (json) {
                io.out.println(Json.pretty(list));
            }
            String summary = Words.count(apps.size(), "app") + " in " + StateStores.describe(store.uri());
            if (json) {
                io.err.println(summary);
            } else {
                io.out.println(io.paint(summary, "1"));
            }
            return 0;
        }
    }
}
