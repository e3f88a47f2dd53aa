package vigil.dashboard.fhir;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.DefaultProfileValidationSupport;
import ca.uhn.fhir.fhirpath.IFhirPath;
import ca.uhn.fhir.validation.FhirValidator;
import ca.uhn.fhir.validation.IValidationContext;
import ca.uhn.fhir.validation.IValidatorModule;
import ca.uhn.fhir.validation.ResultSeverityEnum;
import ca.uhn.fhir.validation.SingleValidationMessage;
import ca.uhn.fhir.validation.ValidationResult;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Base;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.CodeSystem;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.ElementDefinition;
import org.hl7.fhir.r4.model.Enumerations;
import org.hl7.fhir.r4.model.PrimitiveType;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.StructureDefinition;
import org.hl7.fhir.r4.model.ValueSet;

/**
 * Validation of resources against base R4, for tests. One instance per test class (loading the schemas and
 * structure definitions takes seconds). Two HAPI validator modules run on each resource:
 *
 * <ol>
 *   <li>HAPI's schema validator ({@link FhirValidator#setValidateAgainstStandardSchema}): the resource's XML
 *       encoding against the official R4 XML schemas ({@code fhir-single.xsd} of hapi-fhir-validation-resources-r4):
 *       element names, order, datatypes and their lexical forms (dateTime, id, uri ...), cardinalities.
 *   <li>{@link BaseProfileModule}: the base StructureDefinitions of the same resources (snapshot of every resource
 *       and datatype, via HAPI's {@link DefaultProfileValidationSupport}): min/max cardinality of every element,
 *       codes of every {@code required} binding whose value set can be enumerated, and every error-severity
 *       invariant (FHIRPath, evaluated by HAPI's R4 FHIRPath engine).
 * </ol>
 *
 * Why not HAPI's instance validator ({@code FhirInstanceValidator}): its module, {@code hapi-fhir-validation}, and
 * the HL7 validator it wraps are not served by the Maven registry these builds use (docs/fhir.md).
 */
final class R4Validation {
    private final FhirValidator validator;
    private final BaseProfileModule profiles;

    R4Validation() {
        FhirContext ctx = FhirR4.context();
        validator = ctx.newValidator();
        validator.setValidateAgainstStandardSchema(true);
        validator.setValidateAgainstStandardSchematron(false); // ph-schematron is not on the classpath
        profiles = new BaseProfileModule(ctx);
        validator.registerValidatorModule(profiles);
    }

    /** Error and fatal messages for the resource, each as {@code location: message}; empty when valid. */
    List<String> errors(IBaseResource resource) {
        ValidationResult result = validator.validateWithResult(resource);
        List<String> errors = new ArrayList<>();
        for (SingleValidationMessage m : result.getMessages()) {
            if (m.getSeverity() == ResultSeverityEnum.ERROR || m.getSeverity() == ResultSeverityEnum.FATAL) {
                errors.add(m.getLocationString() + ": " + m.getMessage());
            }
        }
        return errors;
    }

    /** Invariants evaluated true so far, and those the FHIRPath engine could not evaluate (skipped). */
    long invariantsPassed() {
        return profiles.invariantsPassed.get();
    }

    Set<String> unreadable() {
        return profiles.unreadable;
    }

    long invariantsSkipped() {
        return profiles.invariantsSkipped.get();
    }

    /** Checks a resource against the base StructureDefinitions; see the class javadoc. Thread-safe for reads. */
    static final class BaseProfileModule implements IValidatorModule {
        private static final String SD = "http://hl7.org/fhir/StructureDefinition/";
        private final DefaultProfileValidationSupport support;
        private final IFhirPath fhirPath;
        private final Map<String, Optional<Set<String>>> valueSets = new HashMap<>();
        final AtomicLong invariantsPassed = new AtomicLong();
        final AtomicLong invariantsSkipped = new AtomicLong();
        /** Elements the model could not list (type.name); printed by the tests. */
        final Set<String> unreadable = java.util.concurrent.ConcurrentHashMap.newKeySet();

        BaseProfileModule(FhirContext ctx) {
            support = new DefaultProfileValidationSupport(ctx);
            fhirPath = ctx.newFhirPath();
        }

        @Override
        public void validateResource(IValidationContext<IBaseResource> context) {
            Resource resource = (Resource) context.getResource();
            List<String> errors = new ArrayList<>();
            StructureDefinition sd = structure(resource.fhirType());
            check(resource, sd, sd.getType(), resource.fhirType(), errors);
            for (String e : errors) {
                SingleValidationMessage m = new SingleValidationMessage();
                m.setSeverity(ResultSeverityEnum.ERROR);
                m.setMessage(e);
                m.setLocationString("profile " + SD + resource.fhirType());
                context.addValidationMessage(m);
            }
        }

        private StructureDefinition structure(String type) {
            StructureDefinition sd = (StructureDefinition) support.fetchStructureDefinition(SD + type);
            if (sd == null || !sd.hasSnapshot()) {
                throw new IllegalStateException("no base StructureDefinition with snapshot for " + type);
            }
            return sd;
        }

        /** The snapshot of one StructureDefinition indexed by path: each element and its direct children. */
        private record Index(Map<String, ElementDefinition> byPath, Map<String, List<ElementDefinition>> children) {
            static Index of(StructureDefinition sd) {
                Map<String, ElementDefinition> byPath = new HashMap<>();
                Map<String, List<ElementDefinition>> children = new HashMap<>();
                for (ElementDefinition ed : sd.getSnapshot().getElement()) {
                    byPath.put(ed.getPath(), ed);
                    int dot = ed.getPath().lastIndexOf('.');
                    if (dot > 0) {
                        children.computeIfAbsent(ed.getPath().substring(0, dot), k -> new ArrayList<>()).add(ed);
                    }
                }
                return new Index(byPath, children);
            }
        }

        private final Map<String, Index> indexes = new java.util.concurrent.ConcurrentHashMap<>();

        private Index index(StructureDefinition sd) {
            return indexes.computeIfAbsent(sd.getUrl(), u -> Index.of(sd));
        }

        /** Checks the children of {@code node}, which sits at {@code path} of {@code sd}, and recurses. */
        private void check(Base node, StructureDefinition sd, String path, String location, List<String> errors) {
            Index index = index(sd);
            ElementDefinition self = index.byPath().get(path);
            if (self != null) {
                invariants(node, self, location, errors);
            }
            for (ElementDefinition ed : index.children().getOrDefault(path, List.of())) {
                String p = ed.getPath();
                String name = p.substring(path.length() + 1);
                // the model lists a choice element under its name without [x]
                String property = name.endsWith("[x]") ? name.substring(0, name.length() - 3) : name;
                List<Base> values = new ArrayList<>();
                Base[] children = node.listChildrenByName(property, false);
                if (children == null) {
                    unreadable.add(node.fhirType() + "." + name);
                    children = new Base[0];
                }
                for (Base b : children) {
                    if (b != null && !b.isEmpty()) {
                        values.add(b);
                    }
                }
                String at = location + "." + property;
                if (values.size() < ed.getMin()) {
                    errors.add(at + ": minimum cardinality " + ed.getMin() + ", found " + values.size());
                }
                if (!"*".equals(ed.getMax()) && values.size() > Integer.parseInt(ed.getMax())) {
                    errors.add(at + ": maximum cardinality " + ed.getMax() + ", found " + values.size());
                }
                String inner = ed.hasContentReference() ? ed.getContentReference().substring(1) : p;
                boolean backbone = index.children().containsKey(inner);
                for (int i = 0; i < values.size(); i++) {
                    Base value = values.get(i);
                    String vAt = at + "[" + i + "]";
                    binding(value, ed, vAt, errors);
                    if (value.isPrimitive()) {
                        invariants(value, ed, vAt, errors);
                    } else if (backbone) {
                        check(value, sd, inner, vAt, errors);
                    } else {
                        invariants(value, ed, vAt, errors);
                        StructureDefinition type = structure(value.fhirType());
                        check(value, type, type.getType(), vAt, errors);
                    }
                }
            }
        }

        private void invariants(Base node, ElementDefinition ed, String location, List<String> errors) {
            for (ElementDefinition.ElementDefinitionConstraintComponent c : ed.getConstraint()) {
                if (c.getSeverity() != ElementDefinition.ConstraintSeverity.ERROR || !c.hasExpression()) {
                    continue;
                }
                List<BooleanType> result;
                try {
                    result = fhirPath.evaluate(node, c.getExpression(), BooleanType.class);
                } catch (RuntimeException e) {
                    invariantsSkipped.incrementAndGet();
                    continue;
                }
                if (result.size() == 1 && !result.get(0).booleanValue()) {
                    errors.add(location + ": invariant " + c.getKey() + " failed: " + c.getHuman());
                } else {
                    invariantsPassed.incrementAndGet();
                }
            }
        }

        private void binding(Base value, ElementDefinition ed, String location, List<String> errors) {
            if (!ed.hasBinding() || ed.getBinding().getStrength() != Enumerations.BindingStrength.REQUIRED
                    || !ed.getBinding().hasValueSet()) {
                return;
            }
            Optional<Set<String>> codes = codes(ed.getBinding().getValueSet());
            if (codes.isEmpty()) {
                return; // not enumerable here (e.g. all languages, mime types): left to the schema
            }
            List<String> found = new ArrayList<>();
            if (value instanceof Coding c) {
                found.add(c.getCode());
            } else if (value instanceof CodeableConcept cc) {
                cc.getCoding().forEach(c -> found.add(c.getCode()));
            } else if (value instanceof PrimitiveType<?> p && "code".equals(value.fhirType())) {
                found.add(p.getValueAsString());
            } else if (value instanceof PrimitiveType<?> p && value.getClass().getSimpleName().startsWith("Enumeration")) {
                found.add(p.getValueAsString());
            } else {
                return;
            }
            if (found.stream().noneMatch(codes.get()::contains)) {
                errors.add(location + ": code " + found + " not in required value set " + ed.getBinding().getValueSet());
            }
        }

        /** The codes of an enumerable value set (listed concepts or whole small code systems), or empty. */
        private synchronized Optional<Set<String>> codes(String canonical) {
            String url = canonical.contains("|") ? canonical.substring(0, canonical.indexOf('|')) : canonical;
            return valueSets.computeIfAbsent(url, u -> {
                ValueSet vs = (ValueSet) support.fetchValueSet(u);
                if (vs == null || !vs.hasCompose()) {
                    return Optional.empty();
                }
                Set<String> codes = new HashSet<>();
                for (ValueSet.ConceptSetComponent inc : vs.getCompose().getInclude()) {
                    if (inc.hasFilter() || inc.hasValueSet()) {
                        return Optional.empty();
                    }
                    if (inc.hasConcept()) {
                        inc.getConcept().forEach(c -> codes.add(c.getCode()));
                        continue;
                    }
                    CodeSystem cs = inc.hasSystem() ? (CodeSystem) support.fetchCodeSystem(inc.getSystem()) : null;
                    if (cs == null || cs.getContent() != CodeSystem.CodeSystemContentMode.COMPLETE) {
                        return Optional.empty();
                    }
                    addAll(cs.getConcept(), codes);
                }
                return codes.isEmpty() ? Optional.empty() : Optional.of(codes);
            });
        }

        private static void addAll(List<CodeSystem.ConceptDefinitionComponent> concepts, Set<String> codes) {
            for (CodeSystem.ConceptDefinitionComponent c : concepts) {
                codes.add(c.getCode());
                addAll(c.getConcept(), codes);
            }
        }
    }
}
