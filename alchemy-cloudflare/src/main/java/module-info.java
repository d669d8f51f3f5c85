/**
 * What the Cloudflare state stores (R2, Durable Object) share: {@link run.alchemy.cloudflare.CloudflareApi},
 * a client of Cloudflare's v4 REST API with its {@link run.alchemy.cloudflare.Credentials}, account
 * discovery and retries, configured from options and the environment by
 * {@link run.alchemy.cloudflare.CloudflareEnvironment}; {@link run.alchemy.cloudflare.JsonText}, the
 * two spellings of a record; {@link run.alchemy.cloudflare.Parallel}, a store's bounded request pool.
 */
module run.alchemy.cloudflare {
    requires transitive run.alchemy.api;
    requires transitive okhttp3;
    requires transitive com.fasterxml.jackson.databind;

    exports run.alchemy.cloudflare;
}
