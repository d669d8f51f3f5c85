/**
 * The in-memory state store: records and event logs in this JVM's memory (URI {@code mem:NAME}, or
 * {@link run.alchemy.store.mem.MemoryStateStore#create()}), for unit tests of providers and programs.
 */
module run.alchemy.store.mem {
    requires transitive run.alchemy.api;

    exports run.alchemy.store.mem;

    provides run.alchemy.api.spi.StateStoreProvider with run.alchemy.store.mem.internal.MemoryStoreProvider;
}
