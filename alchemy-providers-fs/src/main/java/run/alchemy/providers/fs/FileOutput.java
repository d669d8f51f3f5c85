package run.alchemy.providers.fs;

/** Output of {@code fs::File}: the path written and its content. */
public record FileOutput(String path, String content) {
}
