/**
 * The S3 state store: records under the keys Alchemy's S3StateStore uses, and an event log of
 * create-only objects beside them (URI {@code s3://bucket/prefix?region=…&endpoint=…&pathStyle=true}).
 */
@SuppressWarnings("module") // "s3" ends in a digit: it is the store's name
module run.alchemy.store.s3 {
    requires transitive run.alchemy.api;
    requires transitive software.amazon.awssdk.services.s3;
    requires transitive software.amazon.awssdk.auth;
    requires software.amazon.awssdk.core;
    requires software.amazon.awssdk.awscore;
    requires software.amazon.awssdk.regions;
    requires software.amazon.awssdk.http;
    requires software.amazon.awssdk.http.apache5;
    requires software.amazon.awssdk.retries;
    requires software.amazon.awssdk.retries.api;
    requires software.amazon.awssdk.utils;

    exports run.alchemy.store.s3;

    provides run.alchemy.api.spi.StateStoreProvider with run.alchemy.store.s3.internal.S3StoreProvider;
}
