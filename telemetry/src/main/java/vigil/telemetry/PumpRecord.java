package vigil.telemetry;

import java.util.Objects;

/** A telemetry record of an infusion pump. */
public record PumpRecord(Envelope envelope, PumpMetrics metrics) implements TelemetryRecord {
    public PumpRecord {
        Objects.requireNonNull(envelope, "envelope");
        Objects.requireNonNull(metrics, "metrics");
        if (envelope.deviceType() != DeviceType.INFUSION_PUMP) {
            throw new IllegalArgumentException("PumpRecord needs deviceType infusion_pump");
        }
    }
}
