package vigil.telemetry;

import java.util.Objects;

/** A telemetry record of a dialysis machine. */
public record DialysisRecord(Envelope envelope, DialysisMetrics metrics) implements TelemetryRecord {
    public DialysisRecord {
        Objects.requireNonNull(envelope, "envelope");
        Objects.requireNonNull(metrics, "metrics");
        if (envelope.deviceType() != DeviceType.DIALYSIS) {
            throw new IllegalArgumentException("DialysisRecord needs deviceType dialysis");
        }
    }
}
