package run.alchemy.cli;

import picocli.CommandLine.Option;

/** {@code --reveal} and where the password comes from. */
public final class SecretOptions {
    @Option(names = "--reveal", description = "Show secrets in plain text (needs the password); otherwise they are"
            + " shown as <secret>, or as stored (encrypted) in export-shaped output.")
    boolean reveal;

    @Option(names = "--password-env", paramLabel = "NAME", defaultValue = "ALCHEMY_PASSWORD",
            description = "The environment variable holding the password (default: ${DEFAULT-VALUE}).")
    String passwordEnv = "ALCHEMY_PASSWORD";
}
