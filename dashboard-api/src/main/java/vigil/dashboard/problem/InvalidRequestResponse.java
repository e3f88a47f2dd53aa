package vigil.dashboard.problem;

import io.javalin.http.HttpResponseException;
import java.util.List;

/** Thrown by handlers for a 400 that lists each invalid field; mapped to a problem with {@code errors}. */
public final class InvalidRequestResponse extends HttpResponseException {
    private static final long serialVersionUID = 1L;
    private final List<FieldError> errors;

    public InvalidRequestResponse(List<FieldError> errors) {
        super(400, "the request has invalid parameters");
        if (errors.isEmpty()) {
            throw new IllegalArgumentException("an invalid request names at least one field");
        }
        this.errors = List.copyOf(errors);
    }

    public static InvalidRequestResponse of(String field, String message) {
        return new InvalidRequestResponse(List.of(new FieldError(field, message)));
    }

    public List<FieldError> errors() {
        return errors;
    }
}
