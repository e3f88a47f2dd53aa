package vigil.dashboard.fhir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import ca.uhn.fhir.model.api.TemporalPrecisionEnum;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TimeZone;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.DetectedIssue;
import org.hl7.fhir.r4.model.Device;
import org.hl7.fhir.r4.model.DeviceMetric;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;
import vigil.dashboard.alert.AlertView;
import vigil.dashboard.device.DeviceState;
import vigil.dashboard.device.HistoryPoint;

/**
 * Turns what the stores hold into HAPI R4 resources (the mapping table is in docs/fhir.md). Pure apart from the
 * clock, which decides whether a calibration is overdue. Stateless and thread-safe.
 */
public final class FhirMapper {
    static final String DEVICE_TYPE_SYSTEM = "urn:vigil:fhir:device-type";
    static final String ALERT_TYPE_SYSTEM = "urn:vigil:fhir:alert-type";
    static final String ALERT_ACTION_SYSTEM = "urn:vigil:fhir:alert-action";
    /** HL7's observation-category code system has no "device" code; this is Vigil's. */
    static final String CATEGORY_SYSTEM = "urn:vigil:fhir:observation-category";
    static final String CATEGORY_DEVICE = "device";
    private static final TimeZone UTC = TimeZone.getTimeZone("UTC");

    private final Clock clock;

    public FhirMapper(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** The Device: identifier, type, model, firmware target (from the settings) and the care unit as location. */
    public Device device(DeviceState s, Optional<ObjectNode> settings) {
        Device d = new Device();
        d.setId(FhirIds.device(s.deviceId()));
        d.addIdentifier(new Identifier().setSystem(FhirIds.DEVICE_ID_SYSTEM).setValue(s.deviceId()));
        d.setStatus(Device.FHIRDeviceStatus.ACTIVE);
        if (s.deviceType() != null) {
            d.setType(new CodeableConcept(new Coding(DEVICE_TYPE_SYSTEM, s.deviceType(), typeDisplay(s.deviceType())))
                    .setText(typeDisplay(s.deviceType())));
        }
        if (s.model() != null) {
            d.setModelNumber(s.model());
        }
        settings.map(doc -> doc.path("firmware").path("targetVersion"))
                .filter(JsonNode::isTextual)
                .ifPresent(v -> d.addVersion().setType(new CodeableConcept().setText("firmware (target)"))
                        .setValue(v.asText()));
        if (s.careUnit() != null) {
            d.setLocation(careUnit(s.careUnit()));
        }
        return d;
    }

    /** One DeviceMetric per measured channel present in the newest record, with the calibration of the settings. */
    public List<DeviceMetric> metrics(DeviceState s, Optional<ObjectNode> settings) {
        List<DeviceMetric> metrics = new ArrayList<>();
        for (String key : s.metrics().keySet().stream().sorted().toList()) {
            Optional<Channel> channel = Channel.of(key);
            if (channel.isEmpty()) {
                continue;
            }
            Channel c = channel.get();
            DeviceMetric m = new DeviceMetric();
            m.setId(FhirIds.metric(s.deviceId(), key));
            m.setType(code(c));
            if (c.ucum() != null) {
                m.setUnit(new CodeableConcept(new Coding(Channel.UCUM_SYSTEM, c.ucum(), c.ucum())));
            }
            m.setSource(deviceRef(s.deviceId()));
            m.setCategory(DeviceMetric.DeviceMetricCategory.MEASUREMENT);
            m.setOperationalStatus(DeviceMetric.DeviceMetricOperationalStatus.ON);
            calibration(m, settings);
            metrics.add(m);
        }
        return metrics;
    }

    private void calibration(DeviceMetric m, Optional<ObjectNode> settings) {
        DeviceMetric.DeviceMetricCalibrationComponent cal = m.addCalibration();
        cal.setType(DeviceMetric.DeviceMetricCalibrationType.UNSPECIFIED);
        Instant last = settings.map(doc -> doc.path("calibration").path("lastCalibratedAt"))
                .filter(JsonNode::isTextual)
                .flatMap(v -> parse(v.asText()))
                .orElse(null);
        if (last == null) {
            cal.setState(DeviceMetric.DeviceMetricCalibrationState.NOTCALIBRATED);
            return;
        }
        long intervalDays = settings.get().path("calibration").path("intervalDays").asLong(0);
        boolean overdue = intervalDays > 0 && clock.instant().isAfter(last.plus(Duration.ofDays(intervalDays)));
        cal.setState(overdue
                ? DeviceMetric.DeviceMetricCalibrationState.CALIBRATIONREQUIRED
                : DeviceMetric.DeviceMetricCalibrationState.CALIBRATED);
        cal.setTime(Date.from(last));
    }

    /** The newest value of every mapped channel (measured and figures) at the record's {@code ts}. */
    public List<Observation> newest(DeviceState s) {
        List<Observation> out = new ArrayList<>();
        if (s.lastTsMillis() == null) {
            return out;
        }
        for (Map.Entry<String, Object> e : s.metrics().entrySet()) {
            Channel.of(e.getKey()).ifPresent(c -> out.add(observation(s.deviceId(), c, s.lastTsMillis(), e.getValue())));
        }
        s.figures().forEach((name, value) -> Channel.of(name).ifPresent(
                c -> out.add(observation(s.deviceId(), c, s.lastTsMillis(), value))));
        return out;
    }

    /** The figures of one history point (minute start as effective time), one Observation per evaluable figure. */
    public List<Observation> history(String deviceId, HistoryPoint p) {
        List<Observation> out = new ArrayList<>();
        long t = p.t().toEpochMilli();
        figure(out, deviceId, "flowErrorPct", t, p.flowErrorPct());
        figure(out, deviceId, "pressureOffsetMmHg", t, p.pressureOffsetMmHg());
        figure(out, deviceId, "conductivityDivergenceMsCm", t, p.conductivityDivergenceMsCm());
        figure(out, deviceId, "temperatureDivergenceC", t, p.temperatureDivergenceC());
        figure(out, deviceId, "minutesToEmpty", t, p.minutesToEmpty());
        figure(out, deviceId, "batteryMinutesLeft", t, p.batteryMinutesLeft());
        figure(out, deviceId, "acidMinutesLeft", t, p.acidMinutesLeft());
        figure(out, deviceId, "filterHoursLeft", t, p.filterHoursLeft());
        return out;
    }

    private void figure(List<Observation> out, String deviceId, String name, long tMillis, Double value) {
        if (value != null && Double.isFinite(value)) {
            out.add(observation(deviceId, Channel.of(name).orElseThrow(), tMillis, value));
        }
    }

    private Observation observation(String deviceId, Channel c, long tsMillis, Object value) {
        Observation o = new Observation();
        o.setId(FhirIds.observation(deviceId, c.key(), tsMillis));
        o.setStatus(Observation.ObservationStatus.FINAL);
        o.addCategory(new CodeableConcept(new Coding(CATEGORY_SYSTEM, CATEGORY_DEVICE, "Device")));
        o.setCode(code(c));
        o.setDevice(deviceRef(deviceId));
        o.setEffective(instant(Instant.ofEpochMilli(tsMillis)));
        if (value instanceof Boolean b) {
            o.setValue(new org.hl7.fhir.r4.model.BooleanType(b));
        } else if (value instanceof String text) {
            o.setValue(new org.hl7.fhir.r4.model.StringType(text));
        } else if (value instanceof Number n) {
            Quantity q = new Quantity().setValue(n instanceof BigDecimal bd ? bd : BigDecimal.valueOf(n.doubleValue()));
            if (c.ucum() != null) {
                q.setUnit(c.ucum()).setSystem(Channel.UCUM_SYSTEM).setCode(c.ucum());
            }
            o.setValue(q);
        }
        return o;
    }

    /**
     * An alert as a DetectedIssue: severity from the priority, status open/cleared, the device as implicated item,
     * each acknowledgement and the clearing as a mitigation (who, when).
     */
    public DetectedIssue alert(AlertView a) {
        DetectedIssue d = new DetectedIssue();
        d.setId(FhirIds.alert(a.alertId()));
        d.addIdentifier(new Identifier().setSystem(FhirIds.ALERT_ID_SYSTEM).setValue(a.alertId()));
        d.setStatus(a.isOpen() ? DetectedIssue.DetectedIssueStatus.PRELIMINARY : DetectedIssue.DetectedIssueStatus.FINAL);
        if (a.type() != null) {
            d.setCode(new CodeableConcept(new Coding(ALERT_TYPE_SYSTEM, a.type(), a.type())));
        }
        severity(a.priority()).ifPresent(d::setSeverity);
        if (a.deviceId() != null) {
            d.addImplicated(deviceRef(a.deviceId()));
        }
        if (a.raisedAt() != null) {
            d.setIdentified(instant(a.raisedAt()));
        }
        if (a.message() != null && !a.message().isBlank()) {
            d.setDetail(a.message());
        }
        for (AlertView.Step step : a.history()) {
            if (("ACKNOWLEDGED".equals(step.change()) || "CLEARED".equals(step.change())) && step.at() != null) {
                DetectedIssue.DetectedIssueMitigationComponent m = d.addMitigation();
                m.setAction(new CodeableConcept(new Coding(ALERT_ACTION_SYSTEM, step.change().toLowerCase(),
                        step.change().toLowerCase())));
                m.setDateElement(instant(step.at()));
                if (step.actor() != null) {
                    m.setAuthor(new Reference().setDisplay(step.actor()));
                }
            }
        }
        return d;
    }

    private static Optional<DetectedIssue.DetectedIssueSeverity> severity(String priority) {
        if (priority == null) {
            return Optional.empty();
        }
        return switch (priority) {
            case "HIGH" -> Optional.of(DetectedIssue.DetectedIssueSeverity.HIGH);
            case "MEDIUM" -> Optional.of(DetectedIssue.DetectedIssueSeverity.MODERATE);
            case "LOW" -> Optional.of(DetectedIssue.DetectedIssueSeverity.LOW);
            default -> Optional.empty();
        };
    }

    static CodeableConcept code(Channel c) {
        CodeableConcept cc = new CodeableConcept().setText(c.display());
        if (c.mdcCode() != null) {
            cc.addCoding(new Coding(Channel.MDC_SYSTEM, c.mdcCode(), c.mdcName()));
        }
        cc.addCoding(new Coding(Channel.VIGIL_SYSTEM, c.key(), c.display()));
        return cc;
    }

    static Reference deviceRef(String deviceId) {
        return new Reference("Device/" + FhirIds.device(deviceId));
    }

    private static Reference careUnit(String careUnit) {
        return new Reference()
                .setIdentifier(new Identifier().setSystem(FhirIds.CARE_UNIT_SYSTEM).setValue(careUnit))
                .setDisplay(careUnit);
    }

    private static String typeDisplay(String type) {
        return switch (type) {
            case "infusion_pump" -> "Infusion pump";
            case "dialysis" -> "Dialysis machine";
            default -> type;
        };
    }

    /** An instant as a FHIR dateTime with milliseconds, in UTC. */
    static DateTimeType instant(Instant t) {
        return new DateTimeType(Date.from(t), TemporalPrecisionEnum.MILLI, UTC);
    }

    private static Optional<Instant> parse(String text) {
        try {
            return Optional.of(Instant.parse(text));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }
}
