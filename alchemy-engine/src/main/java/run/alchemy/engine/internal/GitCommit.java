package run.alchemy.engine.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The git commit checked out in a folder or the nearest one above it, read from {@code .git}
 * without running git: {@code HEAD} (a commit, or a branch resolved through its ref file or
 * {@code packed-refs}); a worktree's {@code .git} file points at its git folder. Anything
 * unreadable is "no commit": a run is never stopped by it.
 */
final class GitCommit {
    private static final Pattern HASH = Pattern.compile("[0-9a-f]{40}([0-9a-f]{24})?");

    private GitCommit() {
    }

    static Optional<String> of(Path folder) {
        try {
            for (Path dir = folder.toAbsolutePath().normalize(); dir != null; dir = dir.getParent()) {
                Path dotGit = dir.resolve(".git");
                if (Files.isDirectory(dotGit)) {
                    return head(dotGit);
                }
                if (Files.isRegularFile(dotGit)) {
                    String link = Files.readString(dotGit, StandardCharsets.UTF_8).trim();
                    return link.startsWith("gitdir:") ? head(dir.resolve(link.substring(7).trim())) : Optional.empty();
                }
            }
        } catch (IOException | RuntimeException e) {
            // not a checkout we can read: no commit
        }
        return Optional.empty();
    }

    private static Optional<String> head(Path gitDir) throws IOException {
        String head = Files.readString(gitDir.resolve("HEAD"), StandardCharsets.UTF_8).trim();
        if (!head.startsWith("ref:")) {
            return hash(head);
        }
        String ref = head.substring(4).trim();
        // a worktree keeps its HEAD but shares refs with the main git folder (named in commondir)
        Path common = Files.isRegularFile(gitDir.resolve("commondir"))
                ? gitDir.resolve(Files.readString(gitDir.resolve("commondir"), StandardCharsets.UTF_8).trim()) : gitDir;
        for (Path dir : new Path[] {gitDir, common}) {
            Path file = dir.resolve(ref);
            if (Files.isRegularFile(file)) {
                return hash(Files.readString(file, StandardCharsets.UTF_8).trim());
            }
        }
        Path packed = common.resolve("packed-refs");
        if (Files.isRegularFile(packed)) {
            for (String line : Files.readAllLines(packed, StandardCharsets.UTF_8)) {
                if (line.endsWith(" " + ref)) {
                    return hash(line.substring(0, line.indexOf(' ')));
                }
            }
        }
        return Optional.empty(); // a branch with no commit yet
    }

    private static Optional<String> hash(String text) {
        return HASH.matcher(text).matches() ? Optional.of(text) : Optional.empty();
    }
}
