package run.alchemy.store.s3.testkit;

import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.blobstore.ForwardingBlobStore;
import org.gaul.s3proxy.blobstore.domain.Blob;
import org.gaul.s3proxy.blobstore.domain.BlobAccess;
import org.gaul.s3proxy.blobstore.domain.BlobMetadata;
import org.gaul.s3proxy.blobstore.domain.PageSet;
import org.gaul.s3proxy.blobstore.domain.StorageMetadata;
import org.gaul.s3proxy.blobstore.domain.StorageType;
import org.gaul.s3proxy.blobstore.options.CopyOptions;
import org.gaul.s3proxy.blobstore.options.GetOptions;
import org.gaul.s3proxy.blobstore.options.ListContainerOptions;
import org.gaul.s3proxy.blobstore.options.PutOptions;

import java.util.ArrayList;
import java.util.List;

/**
 * Lets S3Proxy's nio2 blob stores hold {@code a/b} and {@code a/b/c} at once, as real S3 does and
 * as Alchemy's layout needs (the stage record {@code alchemy/app/dev} beside
 * {@code alchemy/app/dev/<id>}). Those stores keep each object as a file, and a file cannot also
 * be a directory; so every object name is stored with a suffix and shown without it. Nothing else
 * changes: conditional puts, listings with prefixes, delimiters and markers, errors and
 * authentication are S3Proxy's own. (Key order differs from S3's only between a key and the keys
 * nested under it, which nothing here relies on.) The suffix also tells objects from the
 * temporary files of puts in flight, which the nio2 stores would otherwise list.
 */
final class NestedKeysBlobStore extends ForwardingBlobStore {
    private static final String SUFFIX = "~~object";

    NestedKeysBlobStore(BlobStore delegate) {
        super(delegate);
    }

    private static String in(String name) {
        return name + SUFFIX;
    }

    private static String out(String name) {
        return name != null && name.endsWith(SUFFIX) ? name.substring(0, name.length() - SUFFIX.length()) : name;
    }

    private static BlobMetadata out(BlobMetadata m) {
        return m == null ? null : m.toBuilder().name(out(m.name())).build();
    }

    @Override
    public PageSet<? extends StorageMetadata> list(String container, ListContainerOptions options) {
        ListContainerOptions mapped = options.marker() == null ? options
                : options.toBuilder().afterMarker(in(options.marker())).build();
        PageSet<? extends StorageMetadata> page = super.list(container, mapped);
        List<StorageMetadata> entries = new ArrayList<>();
        for (StorageMetadata m : page.entries()) {
            if (!(m instanceof BlobMetadata b) || b.type() != StorageType.BLOB) {
                entries.add(m);
            } else if (b.name().endsWith(SUFFIX)) {
                entries.add(out(b));
            } // else: the temporary file of a put in flight, which S3Proxy would list (S3 never does)
        }
        return new PageSet<>(entries, out(page.nextMarker()));
    }

    @Override
    public boolean blobExists(String container, String name) {
        return super.blobExists(container, in(name));
    }

    @Override
    public String putBlob(String container, Blob blob, PutOptions options) {
        return super.putBlob(container, blob.toBuilder().name(in(blob.getMetadata().name())).build(), options);
    }

    @Override
    public String copyBlob(String fromContainer, String fromName, String toContainer, String toName, CopyOptions options) {
        return super.copyBlob(fromContainer, in(fromName), toContainer, in(toName), options);
    }

    @Override
    public BlobMetadata blobMetadata(String container, String name) {
        return out(super.blobMetadata(container, in(name)));
    }

    @Override
    public Blob getBlob(String container, String name, GetOptions options) {
        return super.getBlob(container, in(name), options);
    }

    @Override
    public void removeBlob(String container, String name) {
        super.removeBlob(container, in(name));
    }

    @Override
    public void removeBlobs(String container, Iterable<String> names) {
        List<String> mapped = new ArrayList<>();
        names.forEach(n -> mapped.add(in(n)));
        super.removeBlobs(container, mapped);
    }

    @Override
    public BlobAccess getBlobAccess(String container, String name) {
        return super.getBlobAccess(container, in(name));
    }

    @Override
    public void setBlobAccess(String container, String name, BlobAccess access) {
        super.setBlobAccess(container, in(name), access);
    }
}
