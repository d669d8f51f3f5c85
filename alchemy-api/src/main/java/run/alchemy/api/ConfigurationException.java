package run.alchemy.api;

/** The app was configured wrongly: unknown store scheme, missing provider for a kind, bad option. */
public final class ConfigurationException extends AlchemyException {
    /**
     * A configuration error.
     *
     * @param message what is wrong and how to fix it (e.g. the installed store schemes and the
     *                artifact to add), as the exception's message
     */
    public ConfigurationException(String message) {
        super(message);
    }
}
