/** An example deploy program with a resource type of its own ({@code example::Note}). */
module run.alchemy.examples {
    requires run.alchemy.engine;

    // For Jackson (required transitively by the engine), which maps the Note record to JSON and back.
    // A public record in an exported package works without it (HelloModuleTest passes either way);
    // opening the package lets Jackson reach non-public props and outputs too.
    opens run.alchemy.examples to com.fasterxml.jackson.databind;

    exports run.alchemy.examples;

    // So that a run which no longer declares a note can still delete it.
    provides run.alchemy.api.ResourceProvider with run.alchemy.examples.Hello.NoteProvider;
}
