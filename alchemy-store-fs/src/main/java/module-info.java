/** The file-system state store, laid out exactly as Alchemy's FileSystemStateStore (URI {@code fs:DIR}). */
module run.alchemy.store.fs {
    requires transitive run.alchemy.api;

    exports run.alchemy.store.fs;

    provides run.alchemy.api.spi.StateStoreProvider with run.alchemy.store.fs.internal.FileSystemStoreProvider;
}
