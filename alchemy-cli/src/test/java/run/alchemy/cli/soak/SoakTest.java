package run.alchemy.cli.soak;

import org.junit.jupiter.api.Test;
import run.alchemy.store.durable.LocalWorker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The soak's short version, in the build: three deployers of five runs each on the file system,
 * S3 (S3Proxy) and the Durable Object worker (real workerd), with kills and (S3, DO) injected
 * faults. What it asserts holds whatever the interleaving: no finding (no lost update, every
 * reported run's state a prefix of the log, verify clean, no untyped exception, the lock free at
 * the end), and that kills and faults did happen (a deployer's first kill falls within its first
 * 40 provider calls, and its first four runs make far more; a 5% fault rate over hundreds of
 * requests). Nothing here waits on a timing.
 */
class SoakTest {
    private static Soak.Result soak(String store, int killEvery, double faultRate) throws Exception {
        Soak.Result r = Soak.run(new Soak.Options(store, 3, 5, 0, 17, killEvery, faultRate));
        System.out.println("SoakTest " + store + ": " + r.figures());
        assertEquals(java.util.List.of(), r.findings(), () -> store + " soak findings; figures " + r.figures());
        assertEquals(0, r.figure("check_lost_updates"));
        assertEquals(r.figure("runs_succeeded"), r.figure("check_prefix_checked"),
                "every run reported done was checked against the log's fold at its end");
        assertEquals(0, r.figure("check_verify_findings"));
        assertTrue(r.figure("runs_succeeded") > 0, "runs succeeded");
        assertTrue(r.figure("kills") > 0, () -> "deployers were killed: " + r.figures());
        return r;
    }

    @Test
    void onTheFileSystemKillsOnly() throws Exception {
        soak("fs", 20, 0);
    }

    @Test
    void onS3WithKillsAndFaults() throws Exception {
        Soak.Result r = soak("s3", 40, 0.05);
        assertTrue(r.figure("faults_injected") > 0, () -> "faults were injected: " + r.figures());
    }

    @Test
    void onTheDurableObjectWorkerWithKillsAndFaults() throws Exception {
        LocalWorker.assumeNode("SoakTest on the Durable Object worker");
        Soak.Result r = soak("do", 40, 0.05);
        assertTrue(r.figure("faults_injected") > 0, () -> "faults were injected: " + r.figures());
    }
}
