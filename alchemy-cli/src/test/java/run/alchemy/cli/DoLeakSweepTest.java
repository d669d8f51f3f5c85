package run.alchemy.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import run.alchemy.api.StoreException;
import run.alchemy.store.durable.DurableObjectStateStore;
import run.alchemy.store.durable.DurableObjectStoreBuilder;
import run.alchemy.store.durable.LocalWorker;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * No secret, password or Durable Object store token leaks (issue #17): the command as
 * {@code ./alchemy} runs it (a JVM of its own, the token in {@code ALCHEMY_STATE_TOKEN}) against our
 * worker in real workerd on 127.0.0.1, through {@link LeakScenario}'s commands and failure paths; a
 * wrong token (the worker answers 401); a server answering 401 and 500 with the request's headers,
 * the bearer token among them, echoed in its body; then every record and log entry the worker holds,
 * read through the store's own list and read, and what the command wrote outside it.
 */
class DoLeakSweepTest {
    @RegisterExtension
    static final LocalWorker ours = LocalWorker.ours();

    @TempDir
    Path dir;

    @Test
    void noCanaryInTheWorkerInAnyOutputOrMessage() throws Exception {
        String prefix = "leak";
        String uri = "do+http://" + ours.url().substring("http://".length()) + "?prefix=" + prefix;
        try (CliProcess process = new CliProcess(dir.resolve("process"), Map.of("ALCHEMY_STATE_TOKEN", ours.token()))) {
            sweep(process, uri, prefix);
        }
    }

    private void sweep(CliProcess process, String uri, String prefix) throws Exception {
        LeakScenario s = new LeakScenario(process::run, uri, dir, Map.of());
        String badToken = LeakSweep.fresh("bad-do-token") + "-0123456789";
        s.sweep.watch("DO token", ours.token()).watch("bad DO token", badToken);
        s.sweep.assertDetects(dir.resolve("scratch"));

        s.core();
        try (DurableObjectStateStore store = ours.store(prefix).build()) {
            s.someFailures((id, bytes) -> store.put(List.of(LeakScenario.APP, LeakScenario.STAGE), id, bytes));
        }
        try (EchoingServer faults = new EchoingServer(500)) {
            String faulty = "do+http://" + faults.authority() + "?maxAttempts=1";
            s.fails(LeakScenario.on(faulty, "state", "list", "--verbose"));
            s.fails("deploy", "-f", s.stack(6), "--store", faulty, "--verbose");
            assertTrue(faults.requests() > 0, "the faults were met");
        }
        s.sweep.text("the command JVM's stderr", process.finish());
        try (CliProcess wrong = new CliProcess(dir.resolve("wrong-token"), Map.of("ALCHEMY_STATE_TOKEN", badToken))) {
            for (String[] args : List.of(LeakScenario.on(uri, "state", "list", "--verbose"),
                    new String[] {"deploy", "-f", s.stack(7), "--store", uri, "--verbose"})) {
                Cli.Result r = wrong.run(Map.of("ALCHEMY_PASSWORD", "x", "API_KEY", s.secret), args);
                s.sweep.result("with a wrong token: " + String.join(" ", args), r);
                assertTrue(r.code() != 0 && r.err().contains("error:"), r.err());
            }
            s.sweep.text("the wrong-token JVM's stderr", wrong.finish());
        }
        provisioning(s);
        storeLevel(s, badToken);

        try (DurableObjectStateStore store = ours.store(prefix).build()) {
            LeakScenario.dump(store, s.sweep);
            s.sweep.value("DurableObjectStateStore", store);
        }
        s.sweep.value("DurableObjectStoreBuilder", ours.store(prefix).accessServiceToken("id", badToken));
        s.sweep.value("DurableObjectStoreBuilder provisioning", DurableObjectStateStore.builder().provision("w")
                .environment(Map.of("CLOUDFLARE_API_TOKEN", badToken, "ALCHEMY_STATE_TOKEN", ours.token())));
        s.sweep.tree(dir);
        s.sweep.assertClean(10);
        System.out.println("DO leak sweep: " + s.commands() + " commands; " + s.sweep.summary());
    }

    /**
     * {@code do://WORKER}, which provisions the worker through Cloudflare's API with the API token, against
     * an API answering 401 and then 500 with the request's headers echoed: the command fails, naming neither token.
     */
    private void provisioning(LeakScenario s) {
        String cfToken = LeakSweep.fresh("cf-token");
        s.sweep.watch("Cloudflare token", cfToken);
        for (int status : new int[] {401, 500}) {
            try (EchoingServer api = new EchoingServer(status);
                 CliProcess p = new CliProcess(dir.resolve("provision-" + status), Map.of("ALCHEMY_STATE_TOKEN", ours.token(),
                         "CLOUDFLARE_API_TOKEN", cfToken, "CLOUDFLARE_BASE_URL", api.url() + "/client/v4"))) {
                Cli.Result r = p.run(Map.of(), LeakScenario.on("do://leak-worker?account=acct-1&maxAttempts=1", "state", "list",
                        "--verbose"));
                s.sweep.result("provisioning on a " + status, r);
                assertTrue(r.code() != 0 && r.err().contains("error:") && api.requests() > 0, r.err());
                s.sweep.text("the provisioning JVM's stderr", p.finish());
            }
        }
    }

    /** The store's own exceptions for a 401 and a 5xx whose bodies echo the token, and what it says of itself. */
    private static void storeLevel(LeakScenario s, String badToken) {
        for (int status : new int[] {401, 503}) {
            try (EchoingServer faults = new EchoingServer(status)) {
                DurableObjectStoreBuilder b = DurableObjectStateStore.builder().url(faults.url()).token(badToken)
                        .maxAttempts(1).timeout(Duration.ofSeconds(5));
                s.sweep.value("DurableObjectStoreBuilder", b);
                try (DurableObjectStateStore store = b.build()) {
                    s.sweep.value("DurableObjectStateStore", store);
                    StoreException e = assertThrows(StoreException.class, () -> store.get(List.of("a", "b"), "r"));
                    s.sweep.thrown("get on a " + status, e);
                    e = assertThrows(StoreException.class, () -> store.put(List.of("a", "b"), "r", new byte[] {'{', '}'}));
                    s.sweep.thrown("put on a " + status, e);
                }
            }
        }
    }
}
