package run.alchemy.providers.fs;

/**
 * Output of {@code fs::Folder}: the directory's path.
 *
 * @param path the directory made, as the props gave it (or the resource id), relative to the working directory
 */
public record FolderOutput(String path) {
}
