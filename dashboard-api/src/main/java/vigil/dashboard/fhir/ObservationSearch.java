package vigil.dashboard.fhir;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import vigil.dashboard.query.Params;

/**
 * The parameters of {@code GET /fhir/r4/Observation}, validated: {@code device} (required), {@code code} (tokens,
 * comma = or), {@code date} (repeatable, prefixes {@code eq ge gt le lt}, a date or a dateTime), {@code _count}
 * and {@code _offset}. The time range is closed, at most {@link #MAX_SPAN}; without {@code date} it is the last
 * {@link #DEFAULT_SPAN}.
 */
record ObservationSearch(String device, List<String> codes, Instant from, Instant to, int count, int offset) {
    static final int DEFAULT_COUNT = 100;
    static final int MAX_COUNT = 1000;
    static final Duration DEFAULT_SPAN = Duration.ofHours(24);
    static final Duration MAX_SPAN = Duration.ofDays(7);

    /** @throws vigil.dashboard.problem.InvalidRequestResponse listing every invalid parameter */
    static ObservationSearch parse(Map<String, List<String>> query, Instant now) {
        Params p = new Params(query);
        String device = p.single("device");
        if (device == null || device.isBlank()) {
            p.error("device", "is required (Device/{id} or {id}): observations are searched per device");
        }
        List<String> codes = new ArrayList<>();
        for (String v : query.getOrDefault("code", List.of())) {
            for (String token : v.split(",")) {
                if (!token.isBlank()) {
                    codes.add(token.trim());
                }
            }
        }
        Instant from = null;
        Instant to = null;
        for (String v : query.getOrDefault("date", List.of())) {
            String prefix = v.length() > 2 && Character.isLetter(v.charAt(0)) ? v.substring(0, 2) : "eq";
            String text = v.length() > 2 && Character.isLetter(v.charAt(0)) ? v.substring(2) : v;
            Instant[] range = range(text);
            if (range == null) {
                p.error("date", "must be [eq|ge|gt|le|lt]YYYY-MM-DD or a dateTime with zone, was '" + v + "'");
                continue;
            }
            switch (prefix) {
                case "eq" -> {
                    from = range[0];
                    to = range[1];
                }
                case "ge" -> from = range[0];
                case "gt" -> from = range[1].plusMillis(1);
                case "le" -> to = range[1];
                case "lt" -> to = range[0].minusMillis(1);
                default -> p.error("date", "prefix must be eq, ge, gt, le or lt, was '" + prefix + "'");
            }
        }
        int count = integer(p, query, "_count", DEFAULT_COUNT, 1, MAX_COUNT);
        int offset = integer(p, query, "_offset", 0, 0, Integer.MAX_VALUE);
        p.check();
        Instant end = to == null ? now : to;
        Instant start = from == null ? end.minus(DEFAULT_SPAN) : from;
        if (start.isAfter(end)) {
            p.error("date", "the range is empty (start after end)");
        } else if (Duration.between(start, end).compareTo(MAX_SPAN) > 0) {
            p.error("date", "the range may span at most " + MAX_SPAN.toDays() + " days");
        }
        p.check();
        String id = device.startsWith("Device/") ? device.substring("Device/".length()) : device;
        return new ObservationSearch(id, List.copyOf(codes), start, end, count, offset);
    }

    /** Whether a channel passes the code filter. */
    boolean wants(Channel c) {
        return codes.isEmpty() || codes.stream().anyMatch(c::matches);
    }

    boolean covers(long tsMillis) {
        return tsMillis >= from.toEpochMilli() && tsMillis <= to.toEpochMilli();
    }

    /** [first, last] millisecond the value denotes: a whole day for a date, one instant for a dateTime. */
    private static Instant[] range(String text) {
        try {
            if (text.length() == 10) {
                Instant day = LocalDate.parse(text).atStartOfDay(ZoneOffset.UTC).toInstant();
                return new Instant[] {day, day.plus(Duration.ofDays(1)).minusMillis(1)};
            }
            Instant t = OffsetDateTime.parse(text).toInstant();
            return new Instant[] {t, t};
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static int integer(Params p, Map<String, List<String>> query, String name, int fallback, int min, int max) {
        List<String> values = query.get(name);
        if (values == null || values.isEmpty()) {
            return fallback;
        }
        try {
            int v = Integer.parseInt(values.get(0));
            if (v >= min && v <= max) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        p.error(name, "must be a whole number from " + min + " to " + max);
        return fallback;
    }
}
