/**
 * The Cloudflare R2 state store: Cloudflare's REST object API over OkHttp, in the layout of
 * Alchemy's R2RestStateStore (URI {@code r2://BUCKET[/PREFIX][?account=ID]}), with the event log on
 * R2's S3-compatible endpoint through the S3 store when S3 keys are given.
 */
@SuppressWarnings("module") // "r2" ends in a digit: it is the store's name
module run.alchemy.store.r2 {
    requires transitive run.alchemy.api;
    requires run.alchemy.cloudflare;
    requires run.alchemy.store.s3;
    requires okhttp3;
    requires com.fasterxml.jackson.databind;

    exports run.alchemy.store.r2;

    provides run.alchemy.api.spi.StateStoreProvider with run.alchemy.store.r2.internal.R2StoreProvider;
}
