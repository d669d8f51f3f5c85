package run.alchemy.cli;

import run.alchemy.engine.StateStores;
import com.fasterxml.jackson.databind.JsonNode;
import run.alchemy.api.spi.StateStore;
import run.alchemy.engine.Address;
import run.alchemy.engine.Alchemy;
import run.alchemy.engine.History;
import run.alchemy.engine.Stage;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A stage (and optionally a scope in it) in a store, resolved from {@code --store/--app/--stage/--scope}:
 * its records, addressed by their path relative to the scope ({@code parent/child-a},
 * {@code api/v1/route}), and its history when it has an event log.
 */
public final class StageRef implements AutoCloseable {
    public final String uri;
    final StateStore store;
    public final String app;
    public final String stage;
    /** The selected scope: {@code [app, stage, …scope]}. */
    public final List<String> chain;

    private StageRef(String uri, StateStore store, String app, String stage, List<String> chain) {
        this.uri = uri;
        this.store = store;
        this.app = app;
        this.stage = stage;
        this.chain = List.copyOf(chain);
    }

    /**
     * The stage as a program of its own (its runs are recorded as {@code program}), on a store of
     * its own: a repair writes through the engine, as a deploy does.
     */
    public Stage asStage(Io io, String program) {
        return Alchemy.app(app).stage(stage).environment(io.env).program(program).stateStore(Stores.open(uri));
    }

    /**
     * Resolves the target. With {@code mustExist}, a stage with neither records nor a log is a usage
     * error naming the stages there are; without, it may be new (but app and stage must be given).
     */
    public static StageRef open(Target t, Io io, boolean mustExist) {
        StateStore store = Stores.open(t.store);
        try {
            // Said once, first, on stderr (state commands print JSON on stdout).
            store.logNote().ifPresent(note -> io.err.println(io.paintErr("note:", "33") + " " + note));
            String app = t.app != null ? t.app : onlyApp(apps(store), store, t.store);
            String stage = t.stage != null ? t.stage : Alchemy.defaultStage(io.env);
            if (mustExist) {
                TreeSet<String> stages = stages(store, app);
                if (stages.isEmpty() && t.app != null) {
                    // no such app? (a store that cannot list its apps, as a Durable Object's, says nothing here)
                    Optional<TreeSet<String>> apps = listableApps(store);
                    if (apps.isPresent() && !apps.get().contains(app)) {
                        throw apps.get().isEmpty() ? noState(store, t.store)
                                : CliException.usage("no app \"" + app + "\" (apps: " + String.join(", ", apps.get()) + ")",
                                        "--app NAME selects the app; --store names the store ("
                                                + StateStores.describe(t.store) + " here)");
                    }
                }
                if (!stages.contains(stage)) {
                    throw CliException.usage("no stage \"" + stage + "\" of app \"" + app + "\" in " + StateStores.describe(t.store)
                            + (stages.isEmpty() ? " (the app has no stages)" : " (stages: " + String.join(", ", stages) + ")"),
                            t.stage != null ? "check --app, --stage and --store"
                                    : "--stage NAME selects the stage (default: " + String.join(", ", Alchemy.STAGE_VARIABLES)
                                    + ", then dev)");
                }
            }
            return new StageRef(t.store, store, app, stage, scopeChain(app, stage, t.scope, "--scope"));
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
    }

    /**
     * The chain of a scope path given on the command line ({@code a/b}, from the stage; empty or {@code /}: the
     * stage itself): {@code [app, stage, a, b]}. Scope names hold no {@code /}, so the path splits at each one.
     */
    private static List<String> scopeChain(String app, String stage, String path, String option) {
        List<String> chain = new ArrayList<>(List.of(app, stage));
        if (path != null && !path.isEmpty() && !path.equals("/")) {
            for (String segment : path.split("/")) {
                if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                    throw CliException.usage(option + " " + path + ": each segment must be a scope name", null);
                }
                chain.add(segment);
            }
        }
        return chain;
    }

    /**
     * The chain of a scope path of this stage given to an option such as {@code --to-scope}, as
     * {@code --scope} is read: {@code a/b} from the stage, empty or {@code /} for the stage itself.
     *
     * @param path   the path, as given
     * @param option the option's name, for the usage error a bad segment ({@code .}, {@code ..}, empty) is
     * @return {@code [app, stage, a, b]}
     */
    public List<String> scopeChain(String path, String option) {
        return scopeChain(app, stage, path, option);
    }

    /** The apps of {@code store}: its top-level scopes, hidden ones left out. */
    public static TreeSet<String> apps(StateStore store) {
        TreeSet<String> apps = new TreeSet<>();
        for (String name : store.listScopes(List.of())) {
            if (!name.startsWith(".")) {
                apps.add(name);
            }
        }
        return apps;
    }

    private static Optional<TreeSet<String>> listableApps(StateStore store) {
        try {
            return Optional.of(apps(store));
        } catch (run.alchemy.api.InvalidIdException | UnsupportedOperationException e) {
            return Optional.empty();
        }
    }

    private static String onlyApp(TreeSet<String> apps, StateStore store, String uri) {
        if (apps.size() == 1) {
            return apps.first();
        }
        throw apps.isEmpty() ? noState(store, uri)
                : CliException.usage("the store " + StateStores.describe(uri) + " holds several apps (" + String.join(", ", apps) + "): choose one",
                        "--app NAME selects the app");
    }

    private static CliException noState(StateStore store, String uri) {
        return CliException.usage("no state in " + StateStores.describe(uri) + " (" + where(store, uri) + ")",
                "--store names the store (default fs:.alchemy, in the working directory)");
    }

    /** Where the store is: the absolute folder of an {@code fs:} URI, else the store's own description. */
    static String where(StateStore store, String uri) {
        if (uri.startsWith("fs:")) {
            try {
                java.net.URI u = new java.net.URI(uri);
                String dir = u.isOpaque() ? u.getSchemeSpecificPart() : u.getPath();
                return java.nio.file.Path.of(dir == null || dir.isEmpty() ? ".alchemy" : dir).toAbsolutePath().normalize()
                        .toString();
            } catch (java.net.URISyntaxException | java.nio.file.InvalidPathException e) {
                // fall through to the store's description
            }
        }
        return store.toString();
    }

    /** Stages with records, a stage record, or an event log. */
    public static TreeSet<String> stages(StateStore store, String app) {
        TreeSet<String> stages = new TreeSet<>(store.listScopes(List.of(app)));
        stages.addAll(store.list(List.of(app)));
        stages.addAll(store.eventLogStages(app));
        return stages;
    }

    public String name() {
        return String.join("/", chain);
    }

    /** Whether the stage has an event log (the store answers without creating one). */
    public boolean hasLog() {
        return store.hasLog(app, stage);
    }

    /** Fails (exit 1) when the stage has no event log, naming why that happens. */
    public void requireLog(String what) {
        if (!hasLog()) {
            throw CliException.failure(app + "/" + stage + " has no event log, so nothing to " + what
                    + ": it was written without alchemy-java (e.g. by Alchemy)", noLogHint());
        }
    }

    public static String noLogHint() {
        return "the first alchemy-java run that writes to the stage (a deploy, or state rotate-password) imports"
                + " its records into a new log";
    }

    /** The stage's history (the caller closes it). */
    public History history() {
        return Alchemy.app(app).stage(stage).stateStore(Stores.open(uri)).history();
    }

    /** Requires the selected scope to exist (it has records or a container). */
    public void requireScope() {
        if (chain.size() <= 2) {
            return;
        }
        List<String> parent = chain.subList(0, chain.size() - 1);
        String last = chain.get(chain.size() - 1);
        if (!store.listScopes(parent).contains(last) && !store.list(parent).contains(last)) {
            throw CliException.usage("no scope " + String.join("/", chain.subList(2, chain.size())) + " in "
                    + app + "/" + stage, "'alchemy state list' without --scope shows the whole stage");
        }
    }

    /** Every record under the selected scope, by relative key, sorted. */
    public TreeMap<String, Address> records() {
        TreeMap<String, Address> out = new TreeMap<>();
        walk(chain, out);
        return out;
    }

    private void walk(List<String> c, Map<String, Address> out) {
        for (String id : store.list(c)) {
            Address a = new Address(c, id);
            out.put(key(a), a);
        }
        for (String child : store.listScopes(c)) {
            List<String> next = new ArrayList<>(c);
            next.add(child);
            walk(next, out);
        }
    }

    /**
     * The record {@code key} names, as {@code state show} finds it: the one listed under that key in
     * {@code records} (the selected scope's, as {@link #records()} gives them). A key no record has is the address it would have, its scope path read as deep as
     * scopes of those names exist, so that the engine's "no state" error names the nearest ids of the
     * scope meant.
     *
     * @param key     an id relative to the selected scope, such as {@code api} or {@code child/note}
     * @param records the selected scope's records
     * @return the record's address, or the address a record of that key would have
     */
    public Address resolve(String key, Map<String, Address> records) {
        Address listed = records.get(key);
        if (listed != null) {
            return listed;
        }
        List<String> c = new ArrayList<>(chain);
        String rest = key;
        for (int slash = rest.indexOf('/'); slash > 0; slash = rest.indexOf('/')) {
            String scope = rest.substring(0, slash);
            if (!store.listScopes(c).contains(scope)) {
                break;
            }
            c.add(scope);
            rest = rest.substring(slash + 1);
        }
        return new Address(c, rest);
    }

    /**
     * Whether the history of the selection covers {@code a}: everything under the scope and, when the
     * whole stage is selected, the stage's own record too (it holds the pending deletions).
     */
    public boolean covers(Address a) {
        return key(a) != null || (chain.size() == 2 && a.chain().equals(List.of(app)) && a.id().equals(stage));
    }

    /** The address's key relative to the selected scope, or null when it is outside it. */
    public String key(Address a) {
        if (a.chain().size() < chain.size() || !a.chain().subList(0, chain.size()).equals(chain)) {
            return null;
        }
        List<String> rest = a.chain().subList(chain.size(), a.chain().size());
        return rest.isEmpty() ? a.id() : String.join("/", rest) + "/" + a.id();
    }

    /**
     * The address for a key of an export-shaped object: the key ends with the record's id, and what
     * comes before it is the scope path below the selected scope.
     */
    public Address address(String key, String id) {
        if (id == null || id.equals(key)) {
            return new Address(chain, key);
        }
        if (!key.endsWith("/" + id)) {
            return null;
        }
        List<String> c = new ArrayList<>(chain);
        c.addAll(List.of(key.substring(0, key.length() - id.length() - 1).split("/", -1)));
        return new Address(c, id);
    }

    public Optional<byte[]> bytes(Address a) {
        return store.get(a.chain(), a.id());
    }

    public String locate(Address a) {
        return store.locate(a.chain(), a.id());
    }

    /** A stored record, parsed; a damaged one is a failure naming the file. */
    public JsonNode read(Address a, String text) {
        try {
            return Json.MAPPER.readTree(text);
        } catch (IOException e) {
            throw CliException.failure(locate(a) + ": invalid JSON: " + e.getMessage().lines().findFirst().orElse(""),
                    "'alchemy state verify' compares the snapshots with the event log");
        }
    }

    @Override
    public void close() {
        store.close();
    }
}
