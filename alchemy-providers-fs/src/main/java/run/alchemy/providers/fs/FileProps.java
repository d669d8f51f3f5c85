package run.alchemy.providers.fs;

/**
 * Props of {@code fs::File}.
 *
 * @param path    where the file goes, relative to the working directory; the resource id when null
 * @param content the file's text (UTF-8)
 */
public record FileProps(String path, String content) {
}
