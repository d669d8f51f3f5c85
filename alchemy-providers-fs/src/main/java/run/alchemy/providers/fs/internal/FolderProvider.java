package run.alchemy.providers.fs.internal;

import run.alchemy.api.Context;
import run.alchemy.api.ResourceProvider;
import run.alchemy.providers.fs.FolderOutput;
import run.alchemy.providers.fs.FolderProps;

import java.io.IOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * {@code fs::Folder}, as Alchemy's, except that deleting an empty directory works (Alchemy 0.94's
 * non-recursive {@code rm} fails with EISDIR on Linux and leaves the record behind).
 */
public final class FolderProvider implements ResourceProvider<FolderProps, FolderOutput> {
    @Override
    public String kind() {
        return "fs::Folder";
    }

    @Override
    public Class<FolderProps> propsType() {
        return FolderProps.class;
    }

    @Override
    public Class<FolderOutput> outputType() {
        return FolderOutput.class;
    }

    @Override
    public FolderOutput create(Context<FolderProps, FolderOutput> ctx, FolderProps props) throws IOException {
        String path = props != null && props.path() != null ? props.path() : ctx.id();
        Files.createDirectories(Path.of(path));
        return new FolderOutput(path);
    }

    @Override
    public void delete(Context<FolderProps, FolderOutput> ctx, FolderProps props, FolderOutput output)
            throws IOException {
        if (props != null && Boolean.FALSE.equals(props.delete())) {
            return;
        }
        Path dir = Path.of(output != null && output.path() != null ? output.path()
                : props != null && props.path() != null ? props.path() : ctx.id());
        if (!Files.isDirectory(dir)) {
            return;
        }
        if (props != null && Boolean.TRUE.equals(props.clean())) {
            List<Path> all;
            try (Stream<Path> walk = Files.walk(dir)) {
                all = walk.sorted(Comparator.reverseOrder()).toList();
            }
            for (Path p : all) {
                Files.deleteIfExists(p);
            }
            return;
        }
        try {
            Files.deleteIfExists(dir);
        } catch (DirectoryNotEmptyException e) {
            // As Alchemy: a folder that still holds files is left in place.
        }
    }
}
