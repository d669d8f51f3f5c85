package run.alchemy.engine.internal.json;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** {@code Date.prototype.toISOString} and the ISO forms {@code new Date(string)} accepts. */
public final class JsDates {
    private static final long MAX_MILLIS = 8_640_000_000_000_000L;
    private static final Pattern ISO = Pattern.compile(
            "([+-]\\d{6}|\\d{4})(?:-(\\d{2})(?:-(\\d{2}))?)?"
                    + "(?:T(\\d{2}):(\\d{2})(?::(\\d{2})(?:\\.(\\d+))?)?(Z|[+-]\\d{2}:\\d{2})?)?");

    private JsDates() {
    }

    /** {@code YYYY-MM-DDTHH:mm:ss.sssZ}, with {@code ±YYYYYY} years outside 0..9999. */
    public static String iso(long epochMillis) {
        ZonedDateTime t = Instant.ofEpochMilli(epochMillis).atZone(ZoneOffset.UTC);
        int year = t.getYear();
        String y = year >= 0 && year <= 9999
                ? String.format("%04d", year)
                : (year < 0 ? "-" : "+") + String.format("%06d", Math.abs(year));
        return String.format("%s-%02d-%02dT%02d:%02d:%02d.%03dZ", y, t.getMonthValue(), t.getDayOfMonth(),
                t.getHour(), t.getMinute(), t.getSecond(), t.getNano() / 1_000_000);
    }

    /**
     * Epoch millis of an ISO date string as JS parses it: date-only forms are UTC, date-times
     * without an offset are local time. Empty when JS would give an Invalid Date.
     */
    public static OptionalLong parse(String s) {
        Matcher m = ISO.matcher(s);
        if (!m.matches() || "-000000".equals(m.group(1))) {
            return OptionalLong.empty();
        }
        try {
            int year = Integer.parseInt(m.group(1));
            int month = m.group(2) == null ? 1 : Integer.parseInt(m.group(2));
            int day = m.group(3) == null ? 1 : Integer.parseInt(m.group(3));
            boolean hasTime = m.group(4) != null;
            int hour = hasTime ? Integer.parseInt(m.group(4)) : 0;
            int minute = hasTime ? Integer.parseInt(m.group(5)) : 0;
            int second = m.group(6) == null ? 0 : Integer.parseInt(m.group(6));
            String frac = m.group(7);
            int millis = frac == null ? 0 : Integer.parseInt((frac + "00").substring(0, 3));
            boolean endOfDay = hour == 24 && minute == 0 && second == 0 && millis == 0;
            LocalDateTime local = LocalDateTime.of(year, month, day, endOfDay ? 0 : hour, minute, second,
                    millis * 1_000_000);
            if (endOfDay) {
                local = local.plusDays(1);
            }
            ZoneId zone = !hasTime || "Z".equals(m.group(8)) ? ZoneOffset.UTC
                    : m.group(8) != null ? ZoneOffset.of(m.group(8)) : ZoneId.systemDefault();
            long epoch = local.atZone(zone).toInstant().toEpochMilli();
            return Math.abs(epoch) > MAX_MILLIS ? OptionalLong.empty() : OptionalLong.of(epoch);
        } catch (RuntimeException e) {
            return OptionalLong.empty();
        }
    }
}
