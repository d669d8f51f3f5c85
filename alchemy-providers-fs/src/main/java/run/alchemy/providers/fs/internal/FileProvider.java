package run.alchemy.providers.fs.internal;

import run.alchemy.api.Context;
import run.alchemy.api.ResourceProvider;
import run.alchemy.providers.fs.FileOutput;
import run.alchemy.providers.fs.FileProps;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** {@code fs::File}, as Alchemy's: path defaults to the id; a changed path removes the old file. */
public final class FileProvider implements ResourceProvider<FileProps, FileOutput> {
    @Override
    public String kind() {
        return "fs::File";
    }

    @Override
    public Class<FileProps> propsType() {
        return FileProps.class;
    }

    @Override
    public Class<FileOutput> outputType() {
        return FileOutput.class;
    }

    @Override
    public FileOutput create(Context<FileProps, FileOutput> ctx, FileProps props) throws IOException {
        String path = props != null && props.path() != null ? props.path() : ctx.id();
        String content = props == null ? null : props.content();
        Path file = Path.of(path);
        if (file.getParent() != null) {
            Files.createDirectories(file.getParent());
        }
        Files.writeString(file, content == null ? "" : content, StandardCharsets.UTF_8);
        return new FileOutput(path, content);
    }

    @Override
    public FileOutput update(Context<FileProps, FileOutput> ctx, FileProps props) throws IOException {
        FileOutput previous = ctx.output();
        FileOutput next = create(ctx, props);
        if (previous != null && previous.path() != null && !previous.path().equals(next.path())) {
            Files.deleteIfExists(Path.of(previous.path()));
        }
        return next;
    }

    @Override
    public void delete(Context<FileProps, FileOutput> ctx, FileProps props, FileOutput output) throws IOException {
        String path = output != null && output.path() != null ? output.path()
                : props != null && props.path() != null ? props.path() : ctx.id();
        Files.deleteIfExists(Path.of(path));
    }
}
