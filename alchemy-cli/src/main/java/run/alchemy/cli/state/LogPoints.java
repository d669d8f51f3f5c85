package run.alchemy.cli.state;

import run.alchemy.api.event.Event;
import run.alchemy.cli.CliException;
import run.alchemy.engine.History;
import run.alchemy.engine.Run;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/** The points of a stage's log that diff, replay and restore accept: a log position, an ISO-8601 time, or a run. */
final class LogPoints {
    private LogPoints() {
    }

    /** A position, or the position of the last event at or before an ISO-8601 time; past the head is refused. */
    static long position(History history, String text, String what) {
        return position(history, text, what, false);
    }

    /**
     * As {@link #position(History, String, String)}; with {@code clamp}, a position past the head is the head
     * (for commands that only read: the state there is the state now).
     */
    static long position(History history, String text, String what, boolean clamp) {
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
        if (clamp && p > head) {
            return head;
        }
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

    /**
     * The run {@code at} names, when it is not a position: a run id, or the start of exactly one. Digits are a
     * position, unless that is past the head and they start a run id. Empty when {@code at} is a position
     * ({@link #position} then reads it); a time is for the caller to have taken first ({@link #time}).
     */
    static Optional<Run> run(History history, String at, String option, String name) {
        boolean digits = !at.isEmpty() && at.chars().allMatch(Character::isDigit);
        if (digits && (at.length() > 18 || Long.parseLong(at) <= history.head())) {
            return Optional.empty();
        }
        List<Run> runs = history.runs();
        List<Run> matches = at.isEmpty() ? List.of() : runs.stream().filter(r -> r.runId().startsWith(at)).toList();
        if (matches.size() == 1) {
            return Optional.of(matches.get(0));
        }
        if (digits) {
            return Optional.empty(); // LogPoints says the log holds positions 0 to its head
        }
        if (matches.size() > 1) {
            throw CliException.usage(option + " " + at + ": " + matches.size() + " runs of " + name + " have an id starting"
                    + " with " + at + " (" + matches.stream().map(Run::runId).collect(Collectors.joining(", "))
                    + ")", "give more of the run id");
        }
        throw CliException.usage(option + " " + at + ": expected a log position (e.g. 12), an ISO-8601 time (e.g."
                + " 2025-06-01T12:00:00Z) or a run id; " + (runs.isEmpty() ? name + " has no runs"
                : "no run of " + name + " has an id starting with " + at),
                "'alchemy state runs' shows each run's id and the log positions it spans");
    }
}
