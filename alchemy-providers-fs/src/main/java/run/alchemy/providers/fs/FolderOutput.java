package run.alchemy.providers.fs;

/** Output of {@code fs::Folder}: the directory's path. */
public record FolderOutput(String path) {
}
