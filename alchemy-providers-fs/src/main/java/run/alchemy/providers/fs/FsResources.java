package run.alchemy.providers.fs;

import run.alchemy.api.ResourceProvider;
import run.alchemy.providers.fs.internal.FileProvider;
import run.alchemy.providers.fs.internal.FolderProvider;

/** The file resources of Alchemy's {@code alchemy/fs}, with the same kinds, props and outputs. */
public final class FsResources {
    /** {@code fs::File}: a file with the given content; deleting the resource deletes the file. */
    public static final ResourceProvider<FileProps, FileOutput> FILE = new FileProvider();

    /** {@code fs::Folder}: a directory; deleted (if empty, or with everything in it when {@code clean}). */
    public static final ResourceProvider<FolderProps, FolderOutput> FOLDER = new FolderProvider();

    private FsResources() {
    }
}
