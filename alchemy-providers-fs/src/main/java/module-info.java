/** Alchemy's built-in file resources: {@code fs::File} and {@code fs::Folder}. */
module run.alchemy.providers.fs {
    requires transitive run.alchemy.api;

    exports run.alchemy.providers.fs;

    provides run.alchemy.api.ResourceProvider with
            run.alchemy.providers.fs.internal.FileProvider,
            run.alchemy.providers.fs.internal.FolderProvider;
}
