package vigil.dashboard.problem;

import java.util.Objects;

/**
 * One invalid input of a 400 answer.
 *
 * @param field   the query parameter or body path, e.g. {@code limit} or {@code calibration.intervalDays}
 * @param message what is wrong and what is allowed; never echoes more than the caller sent
 */
public record FieldError(String field, String message) {
    public FieldError {
        Objects.requireNonNull(field, "field");
        Objects.requireNonNull(message, "message");
    }
}
