package run.alchemy.providers.fs;

/**
 * Props of {@code fs::Folder}.
 *
 * @param path   the directory, relative to the working directory; the resource id when null
 * @param delete whether deleting the resource removes the directory (default true)
 * @param clean  whether it is removed with its contents (default false: only when empty)
 */
public record FolderProps(String path, Boolean delete, Boolean clean) {
    /**
     * A folder that deleting the resource removes when it is empty ({@code delete} and {@code clean} left
     * to their defaults).
     *
     * @param path the directory, relative to the working directory; the resource id when null
     */
    public FolderProps(String path) {
        this(path, null, null);
    }
}
