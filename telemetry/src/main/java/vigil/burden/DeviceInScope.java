package vigil.burden;

import java.util.Objects;

/**
 * A device counted in the report's denominator (device-days). Immutable.
 *
 * @param careUnit   its care unit, or null when unknown
 * @param deviceType its type's wire name, or null when unknown
 */
public record DeviceInScope(String deviceId, String careUnit, String deviceType) {
    public DeviceInScope {
        Objects.requireNonNull(deviceId, "deviceId");
    }
}
