package run.alchemy.providers.fs;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import run.alchemy.api.Context;
import run.alchemy.api.Operation;
import run.alchemy.api.Scope;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FsProvidersTest {
    @TempDir
    Path dir;

    private record Ctx<P, O>(String id, Operation operation, P oldProps, O output) implements Context<P, O> {
        @Override
        public String fqn() {
            return "app/dev/" + id;
        }

        @Override
        public boolean isReplacement() {
            return false;
        }

        @Override
        public Scope scope() {
            throw new UnsupportedOperationException();
        }

        @Override
        public O replace(boolean force) {
            throw new UnsupportedOperationException();
        }
    }

    @Test
    void fileIsWrittenMovedAndDeletedLikeAlchemysFile() throws Exception {
        Path a = dir.resolve("nested/a.txt");
        Path b = dir.resolve("b.txt");
        FileOutput out = FsResources.FILE.create(new Ctx<>("f", Operation.CREATE, null, null),
                new FileProps(a.toString(), "hello"));
        assertEquals(new FileOutput(a.toString(), "hello"), out);
        assertEquals("hello", Files.readString(a));

        FileOutput moved = FsResources.FILE.update(new Ctx<>("f", Operation.UPDATE, new FileProps(a.toString(), "hello"), out),
                new FileProps(b.toString(), "bye"));
        assertEquals("bye", Files.readString(b));
        assertFalse(Files.exists(a), "a changed path removes the old file");

        FsResources.FILE.delete(new Ctx<>("f", Operation.DELETE, null, null), new FileProps(b.toString(), "bye"), moved);
        assertFalse(Files.exists(b));
        FsResources.FILE.delete(new Ctx<>("f", Operation.DELETE, null, null), new FileProps(b.toString(), "bye"), moved);
    }

    @Test
    void folderDeletesEmptyDirectoriesKeepsFullOnesUnlessCleanAndHonoursDeleteFalse() throws Exception {
        Path empty = dir.resolve("empty");
        Path full = dir.resolve("full");
        Path kept = dir.resolve("kept");
        for (Path p : new Path[] {empty, full, kept}) {
            assertEquals(new FolderOutput(p.toString()),
                    FsResources.FOLDER.create(new Ctx<>("d", Operation.CREATE, null, null), new FolderProps(p.toString())));
            assertTrue(Files.isDirectory(p));
        }
        Files.writeString(full.resolve("x"), "x");

        FsResources.FOLDER.delete(new Ctx<>("d", Operation.DELETE, null, null), new FolderProps(empty.toString()),
                new FolderOutput(empty.toString()));
        assertFalse(Files.exists(empty), "Alchemy 0.94 fails here with EISDIR");

        FsResources.FOLDER.delete(new Ctx<>("d", Operation.DELETE, null, null), new FolderProps(full.toString()),
                new FolderOutput(full.toString()));
        assertTrue(Files.exists(full.resolve("x")));
        FsResources.FOLDER.delete(new Ctx<>("d", Operation.DELETE, null, null), new FolderProps(full.toString(), null, true),
                new FolderOutput(full.toString()));
        assertFalse(Files.exists(full));

        FsResources.FOLDER.delete(new Ctx<>("d", Operation.DELETE, null, null), new FolderProps(kept.toString(), false, null),
                new FolderOutput(kept.toString()));
        assertTrue(Files.isDirectory(kept));
    }

    @Test
    void pathDefaultsToTheIdAndKindsAreAlchemys() throws Exception {
        assertEquals("fs::File", FsResources.FILE.kind());
        assertEquals("fs::Folder", FsResources.FOLDER.kind());
        Path cwd = Path.of("").toAbsolutePath();
        String id = "target/fs-provider-test-" + System.nanoTime();
        FolderOutput out = FsResources.FOLDER.create(new Ctx<>(id, Operation.CREATE, null, null), null);
        assertEquals(id, out.path());
        assertTrue(Files.isDirectory(cwd.resolve(id)));
        FsResources.FOLDER.delete(new Ctx<>(id, Operation.DELETE, null, null), null, out);
        assertFalse(Files.exists(cwd.resolve(id)));
    }
}
