package vigil.dashboard.fhir;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.IParser;
import org.hl7.fhir.instance.model.api.IBaseResource;

/**
 * The one HAPI {@link FhirContext} for R4 of the process. Creating a context scans the model (about a second), so
 * it is made once, on first use, and shared: a FhirContext is thread-safe, its parsers are not (one per use).
 */
public final class FhirR4 {
    /** The media type of every FHIR answer. */
    public static final String MEDIA_TYPE = "application/fhir+json";

    private FhirR4() {}

    private static final class Holder {
        static final FhirContext CONTEXT = FhirContext.forR4();
    }

    public static FhirContext context() {
        return Holder.CONTEXT;
    }

    /** A new JSON parser (parsers are not thread-safe). */
    public static IParser json() {
        return Holder.CONTEXT.newJsonParser();
    }

    /** One resource as compact JSON, as one NDJSON line holds it. */
    public static String encode(IBaseResource resource) {
        return json().encodeResourceToString(resource);
    }
}
