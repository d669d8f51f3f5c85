/** The {@code alchemy} command: the demo, declarative deploys and the state tools. */
module run.alchemy.cli {
    requires run.alchemy.engine;
    requires run.alchemy.providers.fs;
    requires com.fasterxml.jackson.databind;
    requires info.picocli;

    opens run.alchemy.cli to info.picocli;

    provides run.alchemy.api.ResourceProvider with run.alchemy.cli.ValueProvider;
}
