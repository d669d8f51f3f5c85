package run.alchemy.engine.internal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** {@link GitCommit}: the commit a run started on, read from {@code .git} as git lays it out. */
class GitCommitTest {
    private static final String A = "0123456789abcdef0123456789abcdef01234567";
    private static final String B = "fedcba9876543210fedcba9876543210fedcba98";

    @TempDir
    Path dir;

    private Path repo(String head) throws Exception {
        Path git = Files.createDirectories(dir.resolve("repo/.git"));
        Files.writeString(git.resolve("HEAD"), head + "\n");
        return dir.resolve("repo");
    }

    @Test
    void aBranchIsResolvedThroughItsRefFileOrPackedRefs() throws Exception {
        Path repo = repo("ref: refs/heads/main");
        Path sub = Files.createDirectories(repo.resolve("a/b"));
        assertEquals(Optional.empty(), GitCommit.of(sub), "a branch without a commit yet");
        Files.writeString(repo.resolve(".git/packed-refs"), "# pack-refs with: peeled\n" + B + " refs/heads/main\n");
        assertEquals(Optional.of(B), GitCommit.of(sub), "from packed-refs, found from a folder below");
        Files.createDirectories(repo.resolve(".git/refs/heads"));
        Files.writeString(repo.resolve(".git/refs/heads/main"), A + "\n");
        assertEquals(Optional.of(A), GitCommit.of(sub), "a loose ref wins over packed-refs");
    }

    @Test
    void aDetachedHeadAndAWorktreeAreRead() throws Exception {
        Path repo = repo(A);
        assertEquals(Optional.of(A), GitCommit.of(repo));
        Path wtGit = Files.createDirectories(repo.resolve(".git/worktrees/wt"));
        Files.writeString(wtGit.resolve("HEAD"), "ref: refs/heads/feature\n");
        Files.writeString(wtGit.resolve("commondir"), "../..\n");
        Files.createDirectories(repo.resolve(".git/refs/heads"));
        Files.writeString(repo.resolve(".git/refs/heads/feature"), B + "\n");
        Path wt = Files.createDirectories(dir.resolve("wt"));
        Files.writeString(wt.resolve(".git"), "gitdir: " + wtGit + "\n");
        assertEquals(Optional.of(B), GitCommit.of(wt), "a worktree's branch, from the shared refs");
    }

    @Test
    void anythingElseIsNoCommit() throws Exception {
        assertEquals(Optional.empty(), GitCommit.of(Files.createDirectories(dir.resolve("plain"))));
        assertEquals(Optional.empty(), GitCommit.of(repo("garbage")));
    }
}
