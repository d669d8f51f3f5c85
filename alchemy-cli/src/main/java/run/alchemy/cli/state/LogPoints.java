package run.alchemy.cli.state;

import run.alchemy.api.event.Event;
import run.alchemy.cli.CliException;
import run.alchemy.engine.History;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/** The points of a stage's log that diff and replay accept: a log position, or an ISO-8601 time. */
final class LogPoints {
    private LogPoints() {
    }

    /** A position, or the position of the last event at or before an ISO-8601 time. */
    static long position(History history, String text, String what) {
        Optional<Instant> time = time(text);
        if (time.isPresent()) {
            long p = 0;
            for (Event e : history.events()) {
                if (e.time().isAfter(time.get())) {
                    break;
                }
                p = e.position();
            }
            return p;
        }
        long p;
        try {
            p = Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw CliException.usage(what + " " + text + ": expected a log position (e.g. 12) or an ISO-8601 time"
                    + " (e.g. 2025-06-01T12:00:00Z)", "'alchemy state runs' shows the positions each run spans");
        }
        long head = history.head();
        if (p < 0 || p > head) {
            throw CliException.usage(what + " " + text + ": the log holds positions 0 to " + head,
                    "'alchemy state runs' shows the positions each run spans");
        }
        return p;
    }

    /** The instant {@code text} names (ISO-8601, with Z or an offset), or empty: then it is a position. */
    static Optional<Instant> time(String text) {
        if (text.chars().allMatch(Character::isDigit)) {
            return Optional.empty();
        }
        try {
            return Optional.of(Instant.parse(text));
        } catch (DateTimeParseException e) {
            try {
                return Optional.of(OffsetDateTime.parse(text).toInstant());
            } catch (DateTimeParseException e2) {
                return Optional.empty();
            }
        }
    }
}
