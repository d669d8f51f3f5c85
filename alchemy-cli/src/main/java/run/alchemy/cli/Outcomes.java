package run.alchemy.cli;

import run.alchemy.api.Outcome;

/** A resource's fate in the words of Alchemy's log: {@code [created]  my-app/dev/api (fs::File)}. */
final class Outcomes {
    private Outcomes() {
    }

    static String line(Outcome o, Io io) {
        String code = switch (o.action()) {
            case CREATED -> "32";
            case UPDATED, REPLACED -> "33";
            case DELETED -> "31";
            case SKIPPED, READ -> "2";
        };
        String tag = o.action().tag();
        return io.paint(tag, code) + " ".repeat(Math.max(1, 11 - tag.length())) + o.fqn() + " (" + o.kind() + ")";
    }
}
