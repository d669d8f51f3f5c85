package run.alchemy.providers.fs;

/**
 * Props of {@code fs::Folder}.
 *
 * @param path   the directory, relative to the working directory; the resource id when null
 * @param delete whether deleting the resource removes the directory (default true)
 * @param clean  whether it is removed with its contents (default false: only when empty)
 */
public record FolderProps(String path, Boolean delete, Boolean clean) {
    public FolderProps(String path) {
        this(path, null, null);
    }
}
