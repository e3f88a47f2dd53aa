package vigil.sim.device;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import vigil.telemetry.DeviceType;

/**
 * Builds the simulated devices of a run: {@code PUMP-0001..} then {@code DIAL-0001..}, spread round-robin over the
 * care units, all forwarded by one collector. Device {@code i}'s model stream depends only on the seed and its id,
 * so adding devices does not change the records of the others.
 */
public final class DeviceFleet {
    /** Fictional model names; they select per-model default thresholds in the consumer. */
    public static final String PUMP_MODEL = "LVP-200";
    public static final String DIALYSIS_MODEL = "HDX-40";
    public static final String PUMP_FIRMWARE = "3.2.1";
    public static final String DIALYSIS_FIRMWARE = "5.0.4";

    private DeviceFleet() {}

    /**
     * @param pumps       number of infusion pumps, {@code >= 0}
     * @param dialysis    number of dialysis machines, {@code >= 0}
     * @param careUnits   care units to spread devices over; empty means no {@code careUnit} on the wire
     * @param collectorId collector id on every record, or {@code null}
     * @param seed        simulation seed
     * @param startSeq    seq of every device's first record
     */
    public static List<SimulatedDevice> create(
            int pumps, int dialysis, List<String> careUnits, String collectorId, long seed, long startSeq) {
        if (pumps < 0 || dialysis < 0) {
            throw new IllegalArgumentException("device counts must be >= 0");
        }
        List<SimulatedDevice> devices = new ArrayList<>(pumps + dialysis);
        for (int i = 0; i < pumps; i++) {
            DeviceIdentity id = new DeviceIdentity(
                    deviceId("PUMP", i), DeviceType.INFUSION_PUMP, careUnit(careUnits, devices.size()),
                    PUMP_MODEL, collectorId, PUMP_FIRMWARE);
            devices.add(new SimulatedPump(id, seed, startSeq));
        }
        for (int i = 0; i < dialysis; i++) {
            DeviceIdentity id = new DeviceIdentity(
                    deviceId("DIAL", i), DeviceType.DIALYSIS, careUnit(careUnits, devices.size()),
                    DIALYSIS_MODEL, collectorId, DIALYSIS_FIRMWARE);
            devices.add(new SimulatedDialysisMachine(id, seed, startSeq));
        }
        return devices;
    }

    /** {@code PUMP-0001} for index 0; more digits past 9999. */
    public static String deviceId(String prefix, int index) {
        return String.format(Locale.ROOT, "%s-%04d", prefix, index + 1);
    }

    private static String careUnit(List<String> careUnits, int index) {
        return careUnits.isEmpty() ? null : careUnits.get(index % careUnits.size());
    }
}
