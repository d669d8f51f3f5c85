/** The {@code alchemy} command. */
module run.alchemy.cli {
    requires run.alchemy.engine;
    requires run.alchemy.store.fs;
    requires run.alchemy.providers.fs;
    requires info.picocli;

    opens run.alchemy.cli to info.picocli;
}
