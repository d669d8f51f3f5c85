package run.alchemy.providers.fs;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import run.alchemy.api.Context;
import run.alchemy.api.LifecyclePhase;
import run.alchemy.api.Scope;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FsProvidersTest {
    @TempDir
    Path dir;

    private record Ctx<P, O>(String id, LifecyclePhase phase, P oldProps, O output) implements Context<P, O> {
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
        FileOutput out = Files.FILE.create(new Ctx<>("f", LifecyclePhase.CREATE, null, null),
                new FileProps(a.toString(), "hello"));
        assertEquals(new FileOutput(a.toString(), "hello"), out);
        assertEquals("hello", java.nio.file.Files.readString(a));

        FileOutput moved = Files.FILE.update(new Ctx<>("f", LifecyclePhase.UPDATE, new FileProps(a.toString(), "hello"), out),
                new FileProps(b.toString(), "bye"));
        assertEquals("bye", java.nio.file.Files.readString(b));
        assertFalse(java.nio.file.Files.exists(a), "a changed path removes the old file");

        Files.FILE.delete(new Ctx<>("f", LifecyclePhase.DELETE, null, null), new FileProps(b.toString(), "bye"), moved);
        assertFalse(java.nio.file.Files.exists(b));
        Files.FILE.delete(new Ctx<>("f", LifecyclePhase.DELETE, null, null), new FileProps(b.toString(), "bye"), moved);
    }

    @Test
    void folderDeletesEmptyDirectoriesKeepsFullOnesUnlessCleanAndHonoursDeleteFalse() throws Exception {
        Path empty = dir.resolve("empty");
        Path full = dir.resolve("full");
        Path kept = dir.resolve("kept");
        for (Path p : new Path[] {empty, full, kept}) {
            assertEquals(new FolderOutput(p.toString()),
                    Files.FOLDER.create(new Ctx<>("d", LifecyclePhase.CREATE, null, null), new FolderProps(p.toString())));
            assertTrue(java.nio.file.Files.isDirectory(p));
        }
        java.nio.file.Files.writeString(full.resolve("x"), "x");

        Files.FOLDER.delete(new Ctx<>("d", LifecyclePhase.DELETE, null, null), new FolderProps(empty.toString()),
                new FolderOutput(empty.toString()));
        assertFalse(java.nio.file.Files.exists(empty), "Alchemy 0.94 fails here with EISDIR");

        Files.FOLDER.delete(new Ctx<>("d", LifecyclePhase.DELETE, null, null), new FolderProps(full.toString()),
                new FolderOutput(full.toString()));
        assertTrue(java.nio.file.Files.exists(full.resolve("x")));
        Files.FOLDER.delete(new Ctx<>("d", LifecyclePhase.DELETE, null, null), new FolderProps(full.toString(), null, true),
                new FolderOutput(full.toString()));
        assertFalse(java.nio.file.Files.exists(full));

        Files.FOLDER.delete(new Ctx<>("d", LifecyclePhase.DELETE, null, null), new FolderProps(kept.toString(), false, null),
                new FolderOutput(kept.toString()));
        assertTrue(java.nio.file.Files.isDirectory(kept));
    }

    @Test
    void pathDefaultsToTheIdAndKindsAreAlchemys() throws Exception {
        assertEquals("fs::File", Files.FILE.kind());
        assertEquals("fs::Folder", Files.FOLDER.kind());
        Path cwd = Path.of("").toAbsolutePath();
        String id = "target/fs-provider-test-" + System.nanoTime();
        FolderOutput out = Files.FOLDER.create(new Ctx<>(id, LifecyclePhase.CREATE, null, null), null);
        assertEquals(id, out.path());
        assertTrue(java.nio.file.Files.isDirectory(cwd.resolve(id)));
        Files.FOLDER.delete(new Ctx<>(id, LifecyclePhase.DELETE, null, null), null, out);
        assertFalse(java.nio.file.Files.exists(cwd.resolve(id)));
    }
}
