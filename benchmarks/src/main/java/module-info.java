/**
 * Benchmarks of alchemy-java: JMH micro-benchmarks, the peer workload end to end, log throughput.
 * They measure the engine's internals (serde, secrets, the log), which no module exports: the
 * build opens them to this module alone with {@code --add-exports} (see pom.xml), and the shaded
 * jar runs on the class path.
 */
module run.alchemy.benchmarks {
    requires run.alchemy.engine;
    requires run.alchemy.store.fs;
    requires com.fasterxml.jackson.databind;
    requires jmh.core;
    requires java.management;
    requires java.net.http;     // DoBenchmark's counting proxy: forwards to the worker
    requires jdk.httpserver;    // … and listens on 127.0.0.1

    exports run.alchemy.benchmarks;
}
