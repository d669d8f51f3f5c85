package run.alchemy.api;

/** The app was configured wrongly: unknown store scheme, missing provider for a kind, bad option. */
public final class ConfigurationException extends AlchemyException {
    public ConfigurationException(String message) {
        super(message);
    }
}
