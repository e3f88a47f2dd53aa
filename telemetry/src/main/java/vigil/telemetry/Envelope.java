package vigil.telemetry;

import java.util.Objects;

/**
 * The envelope fields of a telemetry-v1 record (telemetry-v1.md, "Envelope").
 *
 * @param deviceId        stable device identity, matches {@code ^[A-Za-z0-9][A-Za-z0-9._-]{2,63}$}
 * @param deviceType      device family
 * @param seq             per-device sequence number, {@code 0 <= seq < 2^53}
 * @param tsMillis        device event time, epoch milliseconds UTC
 * @param model           device model, or {@code null}
 * @param collectorId     forwarding edge collector, or {@code null}
 * @param careUnit        care unit reported by the collector, or {@code null}
 * @param firmware        firmware version ({@code fw} on the wire), or {@code null}
 * @param settingsVersion version of the applied settings document, or {@code null}
 */
public record Envelope(
        String deviceId,
        DeviceType deviceType,
        long seq,
        long tsMillis,
        String model,
        String collectorId,
        String careUnit,
        String firmware,
        Long settingsVersion) {

    public Envelope {
        Objects.requireNonNull(deviceId, "deviceId");
        Objects.requireNonNull(deviceType, "deviceType");
    }

    /** An envelope with only the required fields. */
    public static Envelope of(String deviceId, DeviceType deviceType, long seq, long tsMillis) {
        return new Envelope(deviceId, deviceType, seq, tsMillis, null, null, null, null, null);
    }
}
