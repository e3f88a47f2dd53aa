package vigil.sim;

import vigil.sim.device.SimulatedDevice;
import vigil.telemetry.TelemetryEncoder;
import vigil.telemetry.TelemetryRecord;

/**
 * What happens on a device's turn between the device model and the sink. The plain flow asks the device for its
 * next record and emits its encoding; a scenario's fault schedule also changes devices at scheduled times, keeps
 * silent devices quiet, and emits duplicates, malformed copies, reordered or late records on purpose.
 *
 * <p><b>Threading contract.</b> Called by the simulation driver only, one call at a time.
 */
public interface RecordFlow {

    /** Receives what a flow emits; the driver counts every emitted record and hands it to the sink. */
    interface Emitter {
        void emit(String partitionKey, byte[] data) throws InterruptedException;
    }

    /**
     * One turn of {@code device}.
     *
     * @param deviceTimeMillis device time of this turn (the record's {@code ts}), epoch millis
     * @param runMillis        time since the start of the run on the simulation's schedule; scenario faults are
     *                         scheduled on it
     * @return the record the device produced this turn (emitted now or later), or {@code null} when it produced
     *         none (a silent device)
     */
    TelemetryRecord turn(SimulatedDevice device, long deviceTimeMillis, long runMillis, Emitter out)
            throws InterruptedException;

    /** The run ends: emit whatever is still held back (late or reordered records), so that nothing is lost. */
    default void finish(Emitter out) throws InterruptedException {}

    /** Every turn: the device's next record, encoded, emitted at once. */
    static RecordFlow plain() {
        TelemetryEncoder encoder = new TelemetryEncoder();
        return (device, deviceTimeMillis, runMillis, out) -> {
            TelemetryRecord record = device.next(deviceTimeMillis);
            out.emit(device.deviceId(), encoder.encode(record));
            return record;
        };
    }
}
