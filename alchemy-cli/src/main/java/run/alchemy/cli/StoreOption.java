package run.alchemy.cli;

import picocli.CommandLine.Option;

/** {@code --store URI} alone, for commands that look at a whole store rather than one stage. */
public final class StoreOption {
    @Option(names = "--store", paramLabel = "URI", defaultValue = Stores.DEFAULT,
            description = "The state store, any installed one by URI (default: ${DEFAULT-VALUE}).")
    String uri;

    /** The {@code --store} URI. */
    public String uri() {
        return uri;
    }
}
