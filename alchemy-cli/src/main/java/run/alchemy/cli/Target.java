package run.alchemy.cli;

import picocli.CommandLine.Option;

/** Which stage (and scope) a state command works on, in which store. */
public final class Target {
    @Option(names = "--store", paramLabel = "URI", defaultValue = Stores.DEFAULT,
            description = "The state store, any installed one by URI (default: ${DEFAULT-VALUE}).")
    String store;

    @Option(names = "--app", paramLabel = "NAME", description = "The app (default: the only app in the store).")
    String app;

    @Option(names = "--stage", paramLabel = "NAME",
            description = "The stage (default, as for deploy: STAGE, ALCHEMY_STAGE, USER, USERNAME, then dev).")
    String stage;

    @Option(names = "--scope", paramLabel = "A/B", description = "A scope inside the stage, e.g. child/grandchild"
            + " (default: the whole stage); list, show, export, import, history, runs, diff and replay keep to it,"
            + " and the ids of rm and mv are relative to it.")
    String scope;
}
