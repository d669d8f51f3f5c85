/**
 * The alchemy-java engine: the {@link run.alchemy.engine.Alchemy} entry point, Alchemy-compatible
 * serialization and secrets, and the lifecycle. Stores and providers are found with ServiceLoader.
 */
module run.alchemy.engine {
    requires transitive run.alchemy.api;
    requires transitive com.fasterxml.jackson.databind;
    requires com.github.benmanes.caffeine;
    requires org.bouncycastle.provider;

    exports run.alchemy.engine;
    exports run.alchemy.engine.tool;

    uses run.alchemy.api.spi.StateStoreProvider;
    uses run.alchemy.api.ResourceProvider;
}
