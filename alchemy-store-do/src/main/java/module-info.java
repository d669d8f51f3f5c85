/**
 * The Durable Object state store: Alchemy's DOFS worker protocol over OkHttp, against Alchemy's
 * worker or ours (URIs {@code do+https://HOST}, {@code do+http://127.0.0.1:PORT}); {@code do://WORKER}
 * provisions ours through the Cloudflare API (with the shared client of {@code run.alchemy.cloudflare}).
 */
module run.alchemy.store.durable {
    requires transitive run.alchemy.api;
    requires run.alchemy.cloudflare;
    requires okhttp3;
    requires com.fasterxml.jackson.databind;

    exports run.alchemy.store.durable;

    provides run.alchemy.api.spi.StateStoreProvider with
            run.alchemy.store.durable.internal.DoStoreProvider.Https,
            run.alchemy.store.durable.internal.DoStoreProvider.Http,
            run.alchemy.store.durable.internal.DoStoreProvider.Provisioned;
}
