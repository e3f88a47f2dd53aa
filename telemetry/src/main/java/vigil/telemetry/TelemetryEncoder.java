package vigil.telemetry;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Writes telemetry-v1 records as UTF-8 JSON, fields in the order of the spec's tables, optional fields omitted
 * when {@code null}. The one encoder of the project: {@code producer-sim} and tests use it.
 *
 * <p><b>Threading contract.</b> Stateless apart from the shared, thread-safe {@link JsonFactory}: any thread may
 * call {@link #encode} concurrently.
 */
public final class TelemetryEncoder {
    /** The value of {@code schema} for this version of the wire format. */
    public static final String SCHEMA = "vigil.telemetry.v1";

    private static final JsonFactory FACTORY = new JsonFactory();

    /** Encodes one record to its wire bytes. */
    public byte[] encode(TelemetryRecord record) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(512);
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            writeEnvelope(g, record.envelope());
            g.writeFieldName("m");
            g.writeStartObject();
            if (record instanceof PumpRecord pump) {
                writePump(g, pump.metrics());
            } else if (record instanceof DialysisRecord dialysis) {
                writeDialysis(g, dialysis.metrics());
            }
            g.writeEndObject();
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("in-memory JSON generation failed", e);
        }
        return out.toByteArray();
    }

    private static void writeEnvelope(JsonGenerator g, Envelope e) throws IOException {
        g.writeStartObject();
        g.writeStringField("schema", SCHEMA);
        g.writeStringField("deviceId", e.deviceId());
        g.writeStringField("deviceType", e.deviceType().wireName());
        g.writeNumberField("seq", e.seq());
        g.writeNumberField("ts", e.tsMillis());
        optional(g, "model", e.model());
        optional(g, "collectorId", e.collectorId());
        optional(g, "careUnit", e.careUnit());
        optional(g, "fw", e.firmware());
        if (e.settingsVersion() != null) {
            g.writeNumberField("settingsVersion", e.settingsVersion().longValue());
        }
    }

    private static void writePump(JsonGenerator g, PumpMetrics m) throws IOException {
        g.writeStringField("state", m.state().wireName());
        g.writeNumberField("rateMlPerHr", m.rateMlPerHr());
        g.writeNumberField("infusedMl", m.infusedMl());
        g.writeNumberField("vtbiMl", m.vtbiMl());
        g.writeNumberField("pressureMmHg", m.pressureMmHg());
        g.writeNumberField("batteryPct", m.batteryPct());
        g.writeBooleanField("onMains", m.onMains());
        optional(g, "infusionId", m.infusionId());
        if (m.airInLineUl() != null) {
            g.writeNumberField("airInLineUl", m.airInLineUl().doubleValue());
        }
        if (m.doorOpen() != null) {
            g.writeBooleanField("doorOpen", m.doorOpen().booleanValue());
        }
    }

    private static void writeDialysis(JsonGenerator g, DialysisMetrics m) throws IOException {
        g.writeStringField("state", m.state().wireName());
        g.writeNumberField("bloodFlowMlPerMin", m.bloodFlowMlPerMin());
        g.writeNumberField("dialysateFlowMlPerMin", m.dialysateFlowMlPerMin());
        g.writeNumberField("arterialPressureMmHg", m.arterialPressureMmHg());
        g.writeNumberField("venousPressureMmHg", m.venousPressureMmHg());
        g.writeNumberField("tmpMmHg", m.tmpMmHg());
        g.writeNumberField("conductivityMsCm", m.conductivityMsCm());
        g.writeNumberField("conductivityRefMsCm", m.conductivityRefMsCm());
        g.writeNumberField("dialysateTempC", m.dialysateTempC());
        g.writeNumberField("dialysateTempRefC", m.dialysateTempRefC());
        g.writeNumberField("ufVolumeMl", m.ufVolumeMl());
        g.writeNumberField("ufGoalMl", m.ufGoalMl());
        g.writeNumberField("acidRemainingMl", m.acidRemainingMl());
        g.writeNumberField("treatmentElapsedMin", m.treatmentElapsedMin());
        g.writeNumberField("treatmentPlannedMin", m.treatmentPlannedMin());
        g.writeNumberField("filterHours", m.filterHours());
        if (m.operatingHours() != null) {
            g.writeNumberField("operatingHours", m.operatingHours().doubleValue());
        }
        if (m.bloodLeak() != null) {
            g.writeBooleanField("bloodLeak", m.bloodLeak().booleanValue());
        }
    }

    private static void optional(JsonGenerator g, String name, String value) throws IOException {
        if (value != null) {
            g.writeStringField(name, value);
        }
    }
}
