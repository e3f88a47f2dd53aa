package vigil.sim.scenario;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import vigil.sim.device.DeviceFleet;
import vigil.telemetry.DeviceType;
import vigil.telemetry.Ids;

/**
 * Devices of one type in a scenario: {@code count} devices {@code PREFIX-0001..}, spread round robin over
 * {@code careUnits}.
 *
 * @param name      the group's name; faults target a group by it
 * @param type      device family
 * @param count     number of devices, at least 1
 * @param prefix    device id prefix, e.g. {@code PUMP}
 * @param careUnits care units to spread the devices over; empty: no {@code careUnit} on the wire
 */
public record DeviceGroup(String name, DeviceType type, int count, String prefix, List<String> careUnits) {

    public DeviceGroup {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        careUnits = List.copyOf(careUnits);
        if (count < 1) {
            throw new IllegalArgumentException("group " + name + ": count must be >= 1");
        }
        if (!Ids.isDeviceId(DeviceFleet.deviceId(prefix, count - 1))) {
            throw new IllegalArgumentException("group " + name + ": prefix '" + prefix + "' makes invalid device ids");
        }
        for (String unit : careUnits) {
            if (!Ids.isCareUnit(unit)) {
                throw new IllegalArgumentException("group " + name + ": bad care unit '" + unit + "'");
            }
        }
    }

    public String deviceId(int index) {
        return DeviceFleet.deviceId(prefix, index);
    }

    public List<String> deviceIds() {
        List<String> ids = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            ids.add(deviceId(i));
        }
        return ids;
    }

    String careUnit(int index) {
        return careUnits.isEmpty() ? null : careUnits.get(index % careUnits.size());
    }
}
