package vigil.telemetry;

/** One decoded telemetry-v1 record: an envelope plus the metrics of its device type. */
public sealed interface TelemetryRecord permits PumpRecord, DialysisRecord {

    Envelope envelope();

    default String deviceId() {
        return envelope().deviceId();
    }

    default DeviceType deviceType() {
        return envelope().deviceType();
    }

    default long seq() {
        return envelope().seq();
    }

    default long tsMillis() {
        return envelope().tsMillis();
    }
}
