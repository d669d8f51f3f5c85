package run.alchemy.cli;

import java.nio.file.Path;
import java.util.Map;

/** {@code state rm}, {@code mv} and {@code restore} on the file-system store: every file under its folder is compared. */
class StateRepairCommandTest extends StateRepairContract {
    private Path root;

    @Override
    String newStore() {
        root = dir.resolve(".alchemy");
        return "fs:" + root;
    }

    @Override
    Map<String, String> snapshot() {
        return files(root);
    }

    @Override
    void dropLog() {
        try (var walk = java.nio.file.Files.walk(root.resolve(".alchemy-java"))) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                java.nio.file.Files.delete(p);
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
