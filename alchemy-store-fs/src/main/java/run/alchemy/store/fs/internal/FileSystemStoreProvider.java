package run.alchemy.store.fs.internal;

import run.alchemy.api.spi.StateStore;
import run.alchemy.api.spi.StateStoreProvider;
import run.alchemy.store.fs.FileSystemStateStore;

import java.net.URI;
import java.nio.file.Path;

/** {@code fs:DIR} (relative to the working directory) or {@code fs:/abs/dir}; {@code fs:} alone is {@code .alchemy}. */
public final class FileSystemStoreProvider implements StateStoreProvider {
    @Override
    public String scheme() {
        return "fs";
    }

    @Override
    public StateStore open(URI uri) {
        String dir = uri.isOpaque() ? uri.getSchemeSpecificPart() : uri.getPath();
        return new FileSystemStateStore(Path.of(dir == null || dir.isEmpty() ? ".alchemy" : dir));
    }
}
