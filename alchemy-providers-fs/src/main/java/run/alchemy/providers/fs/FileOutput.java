package run.alchemy.providers.fs;

/**
 * Output of {@code fs::File}: the path written and its content.
 *
 * @param path    the file written, as the props gave it (or the resource id), relative to the working directory
 * @param content the text written; null when the props gave none (the file is then empty)
 */
public record FileOutput(String path, String content) {
}
