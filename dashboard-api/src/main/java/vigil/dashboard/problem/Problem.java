package vigil.dashboard.problem;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.javalin.http.HttpStatus;
import java.util.List;

/**
 * An RFC 9457 problem document. {@code type} is {@code about:blank} for every problem of this version, so
 * {@code title} is the HTTP status phrase and clients tell problems apart by {@code status}; {@code errors} is present
 * only on 400s.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(String type, String title, int status, String detail, List<FieldError> errors) {
    public static final String CONTENT_TYPE = "application/problem+json";
    private static final String ABOUT_BLANK = "about:blank";

    public static Problem of(int status, String detail) {
        return new Problem(ABOUT_BLANK, titleOf(status), status, detail, null);
    }

    public static Problem invalid(List<FieldError> errors) {
        return new Problem(
                ABOUT_BLANK, titleOf(400), 400, "the request has invalid parameters", List.copyOf(errors));
    }

    private static String titleOf(int status) {
        HttpStatus known = HttpStatus.forStatus(status);
        return known == HttpStatus.UNKNOWN ? "Error" : known.getMessage();
    }
}
