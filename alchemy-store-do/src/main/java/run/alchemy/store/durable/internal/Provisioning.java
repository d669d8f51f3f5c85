package run.alchemy.store.durable.internal;

import okhttp3.HttpUrl;
import run.alchemy.api.ConfigurationException;
import run.alchemy.api.StoreException;
import run.alchemy.cloudflare.CloudflareApi;
import run.alchemy.cloudflare.CloudflareEnvironment;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * A provisioned store's worker, from the builder's options to a worker that answers: the
 * Cloudflare credentials and account as the R2 store finds them (the account named, or the only
 * one the credentials see), {@link WorkerProvisioner#deploy}, then readiness: up to
 * {@value #ATTEMPTS} probes ({@code validate}), waiting 1 s, then 1.5 times longer each time, at
 * most 10 s, as Alchemy polls (without its 10 % jitter: one client polling one URL has no one to
 * spread out from). A 401 when nothing was uploaded means the worker keeps another token and fails
 * at once, suggesting {@code force}; right after an upload the previous version may still answer
 * for a moment, so it is waited out like any other failure.
 */
public final class Provisioning {
    static final int ATTEMPTS = 20;
    private static final Duration FIRST_WAIT = Duration.ofSeconds(1);
    private static final Duration MAX_WAIT = Duration.ofSeconds(10);
    private static final String STORE = "Durable Object store";
    private static final String PERMISSIONS = "Workers Scripts edit permission (and Account Settings read to find"
            + " the account)";

    /** Waits between readiness probes; tests give one that does not sleep. */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(Duration duration) throws InterruptedException;
    }

    /** What the builder collected; null fields come from the environment. */
    public record Options(String workerName, String account, String apiToken, String apiKey, String email,
                          String baseUrl, boolean force, Map<String, String> environment, int maxAttempts,
                          Duration timeout, Duration retryBase, Duration retryCap) {
        @Override
        public String toString() {
            // the credentials and the environment stay in here
            return "Provisioning.Options[worker=" + workerName + ", account=" + account + ", force=" + force + "]";
        }
    }

    private Provisioning() {
    }

    /**
     * Deploys the worker if needed and returns the URL it answers on once {@code probe} (which
     * throws a {@link StoreException} while it does not) passes there. {@code workersDev} maps the
     * workers.dev URL to where it is reached (the identity but in tests).
     */
    public static String provision(Options o, String token, WorkerScript script, UnaryOperator<HttpUrl> workersDev,
                                   Sleeper sleeper, Consumer<String> probe) {
        CloudflareEnvironment env = new CloudflareEnvironment(o.environment(), STORE, PERMISSIONS);
        WorkerProvisioner.Deployed deployed;
        try (CloudflareApi api = new CloudflareApi(new CloudflareApi.Settings(STORE, PERMISSIONS, env.baseUrl(o.baseUrl()),
                env.credentials(o.apiToken(), o.apiKey(), o.email()), o.maxAttempts(), o.timeout(), o.retryBase(),
                o.retryCap(), Duration.ofSeconds(60)))) {
            String account = env.account(o.account());
            if (account == null) {
                account = api.discoverAccount("CLOUDFLARE_ACCOUNT_ID, the builder's account option or the URI's"
                        + " (do://" + o.workerName() + "?account=ID)");
            }
            deployed = new WorkerProvisioner(api, account, o.workerName(), script).deploy(token, o.force());
        }
        String url = Objects.requireNonNull(workersDev.apply(deployed.url()), "workersDev").toString();
        awaitReady(url, deployed.uploaded(), sleeper, probe);
        return url;
    }

    private static void awaitReady(String url, boolean uploaded, Sleeper sleeper, Consumer<String> probe) {
        Duration wait = FIRST_WAIT;
        Duration waited = Duration.ZERO;
        StoreException last = null;
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            try {
                probe.accept(url);
                return;
            } catch (RpcClient.RpcException e) {
                if (e.status() == 401 && !uploaded) {
                    throw new ConfigurationException(STORE + ": the worker at " + url + " refuses the token: it was"
                            + " deployed with another one, and its version is current so nothing was uploaded."
                            + " Give the token it was deployed with, or provision with force (force=true) to"
                            + " upload it again with this token");
                }
                last = e;
            } catch (StoreException e) {
                last = e;
            }
            if (attempt < ATTEMPTS) {
                try {
                    sleeper.sleep(wait);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new StoreException(STORE + ": interrupted while waiting for the worker at " + url, e);
                }
                waited = waited.plus(wait);
                wait = Duration.ofMillis(Math.min(MAX_WAIT.toMillis(), wait.toMillis() * 3 / 2));
            }
        }
        throw new StoreException(STORE + ": the worker at " + url + " was not ready after " + ATTEMPTS + " attempts over "
                + waited.toSeconds() + " s; the last: " + last.getMessage(), last);
    }
}
