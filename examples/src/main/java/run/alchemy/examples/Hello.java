// region readme-example
package run.alchemy.examples;

import run.alchemy.api.Context;
import run.alchemy.api.Phase;
import run.alchemy.api.ResourceProvider;
import run.alchemy.api.RunListener;
import run.alchemy.engine.Alchemy;

import java.nio.file.Files;
import java.nio.file.Path;

/** A deploy program with a resource type of its own: {@code example::Note}, a text file. */
public final class Hello {
    /** Props and output: records, stored as JSON. */
    public record Note(String path, String text) {
    }

    /** Registered in module-info.java and META-INF/services, so orphaned notes can be deleted. */
    public static final class NoteProvider implements ResourceProvider<Note, Note> {
        @Override public String kind() { return "example::Note"; }
        @Override public Class<Note> propsType() { return Note.class; }
        @Override public Class<Note> outputType() { return Note.class; }

        @Override // update: by default, create again
        public Note create(Context<Note, Note> ctx, Note note) throws Exception {
            Files.writeString(Path.of(note.path()), note.text());
            return note;
        }

        @Override
        public void delete(Context<Note, Note> ctx, Note note, Note output) throws Exception {
            Files.deleteIfExists(Path.of(output.path()));
        }
    }

    /** One run of the stage "dev" of the app "hello", its state in {@code dir/.alchemy}. */
    public static void deploy(Path dir, String text, Phase phase, RunListener listener) {
        Alchemy.app("hello").stage("dev").phase(phase)
                .stateStore("fs:" + dir.resolve(".alchemy"))  // any installed store, by URI
                .listener(listener)                            // [created], [skipped], [updated], ...
                .run(app -> {                                  // DESTROY: the stage is gone already
                    if (phase == Phase.UP) {
                        app.apply("greeting", new NoteProvider(), new Note(dir.resolve("hello.txt").toString(), text));
                    }
                });                                            // finalizes: what is not declared is deleted
    }

    /** {@code Hello [DIR [TEXT [up|destroy]]]} */
    public static void main(String[] args) {
        deploy(Path.of(args.length > 0 ? args[0] : "."), args.length > 1 ? args[1] : "Hello, world",
                args.length > 2 ? Phase.valueOf(args[2].toUpperCase()) : Phase.UP,
                outcome -> System.out.println(outcome.action().tag() + " " + outcome.fqn()));
    }
}
// endregion
