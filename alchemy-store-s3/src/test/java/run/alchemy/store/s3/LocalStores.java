package run.alchemy.store.s3;

import run.alchemy.store.s3.testkit.LocalS3;

/** Stores on a {@link LocalS3} server (which knows nothing of this module). */
final class LocalStores {
    private LocalStores() {
    }

    /** A store builder for the server and bucket (endpoint, path style, region, credentials set). */
    static S3StateStore.Builder store(LocalS3 s3, String bucket) {
        return S3StateStore.builder().bucket(bucket).endpoint(s3.endpoint()).pathStyle(true).region(LocalS3.REGION)
                .credentials(s3.credentials());
    }
}
