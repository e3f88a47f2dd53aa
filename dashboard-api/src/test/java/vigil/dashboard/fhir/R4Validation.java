package vigil.dashboard.fhir;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.DefaultProfileValidationSupport;
import ca.uhn.fhir.validation.FhirValidator;
import ca.uhn.fhir.validation.ResultSeverityEnum;
import ca.uhn.fhir.validation.SingleValidationMessage;
import ca.uhn.fhir.validation.ValidationResult;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.hl7.fhir.common.hapi.validation.support.CommonCodeSystemsTerminologyService;
import org.hl7.fhir.common.hapi.validation.support.InMemoryTerminologyServerValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.SnapshotGeneratingValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.ValidationSupportChain;
import org.hl7.fhir.common.hapi.validation.validator.FhirInstanceValidator;
import org.hl7.fhir.instance.model.api.IBaseResource;

/**
 * Validation of resources against base R4, for tests: HAPI's instance validator ({@link FhirInstanceValidator},
 * which wraps the HL7 reference validator) on the base R4 StructureDefinitions, value sets and code systems. It checks
 * element names, datatypes and their lexical forms, cardinalities, bindings (codes of {@code required} bindings,
 * UCUM units through {@link CommonCodeSystemsTerminologyService}) and every invariant (FHIRPath). One instance per
 * test class: building the validator and its first validation take seconds.
 *
 * <p><b>Threading.</b> Not thread-safe: one test thread at a time (JUnit's default, sequential, execution).
 */
final class R4Validation {
    /** Resources per Bundle in {@link #errorsOfEach}: measured fastest here between 50 and 250; 500 and more per
     * Bundle grow superlinearly while the JIT is cold (a minute for the first 500 Observations). */
    static final int BATCH = 100;

    private final FhirValidator validator;
    /* Counts over every call of errors(): validations, and messages by severity; warnings and information texts
       (locations left out, so repeats of one finding on many resources collapse) with their counts. */
    private long validations;
    private long errorCount;
    private long warningCount;
    private long informationCount;
    private final Map<String, Integer> notices = new TreeMap<>();

    R4Validation() {
        FhirContext ctx = FhirR4.context();
        ValidationSupportChain support = new ValidationSupportChain(
                new DefaultProfileValidationSupport(ctx), // base R4 StructureDefinitions, ValueSets, CodeSystems
                new CommonCodeSystemsTerminologyService(ctx), // UCUM, MIME types, languages, countries ...
                new InMemoryTerminologyServerValidationSupport(ctx), // expands and checks the enumerable value sets
                new SnapshotGeneratingValidationSupport(ctx)); // for a profile that comes without a snapshot
        FhirInstanceValidator instanceValidator = new FhirInstanceValidator(support);
        validator = ctx.newValidator().registerValidatorModule(instanceValidator);
    }

    /**
     * Validates one resource as it was sent, its JSON text (a Bundle with its entries), and returns its error and
     * fatal messages, each as {@code location: message}; empty when valid. The text, not a parsed copy: HAPI's
     * lenient parser drops elements R4 does not know, the validator reports them. Warnings and information are
     * counted (see {@link #summary()}).
     */
    List<String> errors(String json) {
        return messages(validator.validateWithResult(json));
    }

    /**
     * As {@link #errors(String)} for many resources, e.g. the lines of an NDJSON export file: each text goes verbatim
     * into a {@code collection} Bundle of at most {@value #BATCH} entries (fullUrl {@code base/type/id}), and that
     * Bundle is validated. Why batches: every validator call builds a new HL7 InstanceValidator (about 15 ms here,
     * most of it reading its OID table), whereas one more entry in a Bundle costs about 2 ms.
     */
    List<String> errorsOfEach(String base, List<String> jsons) {
        List<String> errors = new ArrayList<>();
        for (int from = 0; from < jsons.size(); from += BATCH) {
            StringBuilder bundle = new StringBuilder("{\"resourceType\":\"Bundle\",\"type\":\"collection\",");
            bundle.append("\"entry\":[");
            for (int i = from; i < Math.min(from + BATCH, jsons.size()); i++) {
                IBaseResource r = FhirR4.json().parseResource(jsons.get(i));
                String fullUrl = base + "/" + r.fhirType() + "/" + r.getIdElement().getIdPart();
                bundle.append(i > from ? "," : "").append("{\"fullUrl\":\"").append(fullUrl)
                        .append("\",\"resource\":").append(jsons.get(i)).append('}');
            }
            errors.addAll(errors(bundle.append("]}").toString()));
        }
        return errors;
    }

    /** As {@link #errors(String)}, for a resource built in code (it is encoded, then validated). */
    List<String> errors(IBaseResource resource) {
        return messages(validator.validateWithResult(resource));
    }

    private List<String> messages(ValidationResult result) {
        validations++;
        List<String> errors = new ArrayList<>();
        // the validator reports the Observation best-practice findings on a Bundle entry twice, at the same line and
        // column (once with the resource's id in the path, once without): counted once
        Set<String> seen = new HashSet<>();
        for (SingleValidationMessage m : result.getMessages()) {
            String at = m.getLocationLine() != null && m.getLocationCol() != null
                    ? m.getLocationLine() + ":" + m.getLocationCol()
                    : m.getLocationString();
            if (!seen.add(m.getSeverity() + " " + at + " " + m.getMessage())) {
                continue;
            }
            switch (m.getSeverity()) {
                case ERROR, FATAL -> {
                    errorCount++;
                    errors.add(m.getLocationString() + ": " + m.getMessage());
                }
                case WARNING -> {
                    warningCount++;
                    notices.merge(ResultSeverityEnum.WARNING.getCode() + ": " + m.getMessage(), 1, Integer::sum);
                }
                case INFORMATION -> {
                    informationCount++;
                    notices.merge(ResultSeverityEnum.INFORMATION.getCode() + ": " + m.getMessage(), 1, Integer::sum);
                }
            }
        }
        return errors;
    }

    /** Calls of {@link #errors} so far, messages by severity, and each distinct warning or information text. */
    String summary() {
        StringBuilder s = new StringBuilder();
        s.append(validations).append(" validator calls, ").append(errorCount).append(" errors (those of deliberately"
                + " broken resources included), ").append(warningCount).append(" warnings, ").append(informationCount)
                .append(" information");
        notices.forEach((text, count) -> s.append(System.lineSeparator()).append("  ").append(count).append(" x ")
                .append(text));
        return s.toString();
    }
}
