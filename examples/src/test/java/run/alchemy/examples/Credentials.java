package run.alchemy.examples;

import run.alchemy.api.Context;
import run.alchemy.api.ResourceProvider;
import run.alchemy.api.Secret;

/** A resource that only holds a value with a secret in it (docs/secrets.md). */
record Credentials(String user, Secret password) {
    static final ResourceProvider<Credentials, Credentials> PROVIDER = new ResourceProvider<>() {
        @Override public String kind() { return "example::Credentials"; }
        @Override public Class<Credentials> propsType() { return Credentials.class; }
        @Override public Class<Credentials> outputType() { return Credentials.class; }
        @Override public Credentials create(Context<Credentials, Credentials> ctx, Credentials props) { return props; }
        @Override public void delete(Context<Credentials, Credentials> ctx, Credentials props, Credentials output) { }
    };
}
