package vigil.dashboard.fhir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;
import java.io.IOException;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import vigil.dashboard.problem.Problem;

/**
 * Error answers of the FHIR routes as OperationOutcome resources. The routes fail like every other route (Javalin
 * exceptions mapped to problem+json by ProblemResponses, after the audit entry is written); this after-handler then
 * rewrites such an answer under {@code /fhir/r4} into an OperationOutcome with the same status and text. Stateless.
 */
final class Outcomes {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Outcomes() {}

    static void replaceProblem(Context ctx) {
        String type = ctx.res().getContentType();
        if (ctx.statusCode() < 400 || type == null || !type.startsWith(Problem.CONTENT_TYPE)) {
            return;
        }
        String body = ctx.result();
        OperationOutcome outcome = new OperationOutcome();
        IssueType code = code(ctx.statusCode());
        try {
            JsonNode problem = JSON.readTree(body == null ? "{}" : body);
            String detail = problem.path("detail").asText(problem.path("title").asText("error"));
            JsonNode errors = problem.path("errors");
            if (errors.isArray() && !errors.isEmpty()) {
                for (JsonNode e : errors) {
                    issue(outcome, code, e.path("field").asText() + ": " + e.path("message").asText());
                }
            } else {
                issue(outcome, code, detail);
            }
        } catch (IOException e) {
            issue(outcome, code, "HTTP " + ctx.statusCode());
        }
        ctx.contentType(FhirR4.MEDIA_TYPE + "; charset=utf-8");
        ctx.result(FhirR4.encode(outcome));
    }

    private static void issue(OperationOutcome outcome, IssueType code, String diagnostics) {
        outcome.addIssue()
                .setSeverity(OperationOutcome.IssueSeverity.ERROR)
                .setCode(code)
                .setDiagnostics(diagnostics);
    }

    private static IssueType code(int status) {
        return switch (status) {
            case 400 -> IssueType.INVALID;
            case 401 -> IssueType.LOGIN;
            case 403 -> IssueType.FORBIDDEN;
            case 404 -> IssueType.NOTFOUND;
            case 405 -> IssueType.NOTSUPPORTED;
            case 413 -> IssueType.TOOLONG;
            case 503 -> IssueType.TRANSIENT;
            default -> IssueType.EXCEPTION;
        };
    }
}
