package vigil.dashboard.fhir;

import java.time.Instant;
import java.util.Date;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.CapabilityStatement.CapabilityStatementRestComponent;
import org.hl7.fhir.r4.model.CapabilityStatement.CapabilityStatementRestResourceComponent;
import org.hl7.fhir.r4.model.CapabilityStatement.TypeRestfulInteraction;
import org.hl7.fhir.r4.model.Enumerations;

/** The server's CapabilityStatement ({@code GET /fhir/r4/metadata}): what {@link FhirRoutes} and the export serve. */
final class Capabilities {
    private Capabilities() {}

    static CapabilityStatement statement(Instant now) {
        CapabilityStatement cs = new CapabilityStatement();
        cs.setId("vigil");
        cs.setName("VigilDeviceTelemetry");
        cs.setTitle("Vigil device telemetry, FHIR R4 read API and bulk export");
        cs.setStatus(Enumerations.PublicationStatus.ACTIVE);
        cs.setDate(Date.from(now));
        cs.setKind(CapabilityStatement.CapabilityStatementKind.INSTANCE);
        cs.getSoftware().setName("Vigil dashboard API");
        cs.getImplementation().setDescription("Vigil dashboard API, FHIR R4 endpoint");
        cs.setFhirVersion(Enumerations.FHIRVersion._4_0_1);
        cs.addFormat("application/fhir+json");
        cs.addFormat("json");
        CapabilityStatementRestComponent rest = cs.addRest();
        rest.setMode(CapabilityStatement.RestfulCapabilityMode.SERVER);
        rest.getSecurity().setDescription("Bearer tokens of api-v1 (roles caregiver and device-admin); a device"
                + " outside the caller's care units answers 404");
        resource(rest, "Device", true, false);
        param(resource(rest, "DeviceMetric", false, true), "source", Enumerations.SearchParamType.REFERENCE);
        CapabilityStatementRestResourceComponent obs = resource(rest, "Observation", false, true);
        param(obs, "device", Enumerations.SearchParamType.REFERENCE);
        param(obs, "code", Enumerations.SearchParamType.TOKEN);
        param(obs, "date", Enumerations.SearchParamType.DATE);
        param(obs, "_count", Enumerations.SearchParamType.NUMBER);
        param(obs, "_offset", Enumerations.SearchParamType.NUMBER);
        param(resource(rest, "DetectedIssue", true, true), "implicated", Enumerations.SearchParamType.REFERENCE);
        rest.addOperation().setName("export")
                .setDefinition("http://hl7.org/fhir/uv/bulkdata/OperationDefinition/export");
        rest.addOperation().setName("group-export")
                .setDefinition("http://hl7.org/fhir/uv/bulkdata/OperationDefinition/group-export");
        return cs;
    }

    private static CapabilityStatementRestResourceComponent resource(
            CapabilityStatementRestComponent rest, String type, boolean read, boolean search) {
        CapabilityStatementRestResourceComponent r = rest.addResource().setType(type);
        if (read) {
            r.addInteraction().setCode(TypeRestfulInteraction.READ);
        }
        if (search) {
            r.addInteraction().setCode(TypeRestfulInteraction.SEARCHTYPE);
        }
        return r;
    }

    private static void param(CapabilityStatementRestResourceComponent r, String name,
            Enumerations.SearchParamType type) {
        r.addSearchParam().setName(name).setType(type);
    }
}
