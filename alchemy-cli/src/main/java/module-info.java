/** The {@code alchemy} command: the demo, declarative deploys and the state tools. */
module run.alchemy.cli {
    requires run.alchemy.engine;
    requires run.alchemy.providers.fs;
    requires run.alchemy.providers.core;
    requires com.fasterxml.jackson.databind;
    requires info.picocli;

    opens run.alchemy.cli to info.picocli;
    opens run.alchemy.cli.state to info.picocli;
}
