package vigil.dashboard.query;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import vigil.dashboard.problem.FieldError;
import vigil.dashboard.problem.InvalidRequestResponse;

/**
 * Query parameters of one request, read with every problem collected, so that one 400 lists all bad parameters.
 * Unknown parameters are ignored; an empty value counts as absent. Not thread-safe (one per request).
 */
public final class Params {
    private final Map<String, List<String>> params;
    private final List<FieldError> errors = new ArrayList<>();

    public Params(Map<String, List<String>> params) {
        this.params = params;
    }

    /** The single value of a parameter, or null. */
    public String single(String name) {
        List<String> values = params.get(name);
        if (values == null || values.isEmpty()) {
            return null;
        }
        if (values.size() > 1) {
            errors.add(new FieldError(name, "must be given at most once"));
            return null;
        }
        String value = values.get(0);
        return value.isEmpty() ? null : value;
    }

    /** A value from a fixed set, or {@code fallback} when absent. */
    public String oneOf(String name, List<String> allowed, String fallback) {
        String value = single(name);
        if (value == null) {
            return fallback;
        }
        if (!allowed.contains(value)) {
            errors.add(new FieldError(name, "must be one of " + allowed));
            return fallback;
        }
        return value;
    }

    /** A value matching a pattern, or null. */
    public String matching(String name, String regex, String message) {
        String value = single(name);
        if (value != null && !value.matches(regex)) {
            errors.add(new FieldError(name, message));
            return null;
        }
        return value;
    }

    public int limit(int defaultLimit, int maxLimit) {
        String text = single("limit");
        if (text == null) {
            return defaultLimit;
        }
        try {
            int limit = Integer.parseInt(text);
            if (limit >= 1 && limit <= maxLimit) {
                return limit;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        errors.add(new FieldError("limit", "must be a whole number 1 to " + maxLimit));
        return defaultLimit;
    }

    /** An ISO-8601 UTC time such as {@code 2026-11-22T08:03:11.123Z}, or null. */
    public Instant instant(String name) {
        String text = single(name);
        if (text == null) {
            return null;
        }
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            errors.add(new FieldError(name, "must be an ISO-8601 UTC time such as 2026-11-22T08:03:11.123Z"));
            return null;
        }
    }

    public KeysetCursor cursor() {
        String text = single("cursor");
        if (text == null) {
            return null;
        }
        KeysetCursor cursor = KeysetCursor.decode(text);
        if (cursor == null) {
            errors.add(new FieldError("cursor", "is not a cursor from a previous answer"));
        }
        return cursor;
    }

    /** Adds a problem found by the caller. */
    public void error(String field, String message) {
        errors.add(new FieldError(field, message));
    }

    /** @throws InvalidRequestResponse listing every problem found so far */
    public void check() {
        if (!errors.isEmpty()) {
            throw new InvalidRequestResponse(errors);
        }
    }
}
