package run.alchemy.cli.state;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import run.alchemy.api.InvalidIdException;
import run.alchemy.api.spi.LogStore;
import run.alchemy.api.spi.StateStore;
import run.alchemy.cli.CliException;
import run.alchemy.cli.Json;
import run.alchemy.cli.StageRef;
import run.alchemy.engine.StateStores;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

/** What a store holds, for {@code state apps} and {@code state stages}: each stage with its counts. */
record Inventory(String app, String stage, int records, long events) {

    /** The store's apps; a store that cannot list them (a Durable Object's) is a usage error giving {@code hint}. */
    static TreeSet<String> apps(StateStore store, String uri, String hint) {
        try {
            return StageRef.apps(store);
        } catch (InvalidIdException | UnsupportedOperationException e) {
            throw CliException.usage("the store " + StateStores.describe(uri) + " cannot list its apps", hint);
        }
    }

    /** Every stage of {@code app}, with its records (in every scope under it) and log events. */
    static List<Inventory> of(StateStore store, String app) {
        List<Inventory> out = new ArrayList<>();
        for (String stage : StageRef.stages(store, app)) {
            long events = 0;
            Optional<LogStore> log = store.logStore(app, stage);
            if (log.isPresent() && store.hasLog(app, stage)) {
                try (LogStore l = log.get()) {
                    events = l.head();
                }
            }
            out.add(new Inventory(app, stage, records(store, List.of(app, stage)), events));
        }
        return out;
    }

    /** The records of {@code chain} and of every scope under it. */
    private static int records(StateStore store, List<String> chain) {
        int n = store.list(chain).size();
        for (String scope : store.listScopes(chain)) {
            List<String> child = new ArrayList<>(chain);
            child.add(scope);
            n += records(store, child);
        }
        return n;
    }

    static ArrayNode json(List<Inventory> rows) {
        ArrayNode list = Json.NODES.arrayNode();
        for (Inventory r : rows) {
            ObjectNode o = list.addObject();
            o.put("app", r.app);
            o.put("stage", r.stage);
            o.put("records", r.records);
            o.put("events", r.events);
        }
        return list;
    }
}
