package run.alchemy.engine.internal.secrets;

/** Why a secret could not be sealed or opened; the caller adds the resource and path. */
public final class SecretFailure extends Exception {
    public SecretFailure(String reason) {
        super(reason, null, false, false);
    }
}
