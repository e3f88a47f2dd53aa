package vigil.sim.device;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import vigil.telemetry.DecodeResult;
import vigil.telemetry.DeviceType;
import vigil.telemetry.TelemetryDecoder;
import vigil.telemetry.TelemetryEncoder;
import vigil.telemetry.TelemetryRecord;

/** Contract tests run over both device types: range, determinism, seq and ts rules. */
class SimulatedDeviceTest {
    /** 2024-05-01T00:00:00Z, device epoch millis. */
    private static final long T0_MILLIS = 1_714_521_600_000L;
    private static final long SEED = 42L;

    private final TelemetryEncoder encoder = new TelemetryEncoder();
    private final TelemetryDecoder decoder = new TelemetryDecoder();

    static Stream<Arguments> deviceTypes() {
        return Stream.of(Arguments.of(DeviceType.INFUSION_PUMP), Arguments.of(DeviceType.DIALYSIS));
    }

    static SimulatedDevice device(DeviceType type, String id, long seed, long startSeq) {
        return type == DeviceType.INFUSION_PUMP
                ? new SimulatedPump(
                        new DeviceIdentity(id, type, "ICU-4A", "LVP-200", "SIM-EDGE-01", "3.2.1"), seed, startSeq)
                : new SimulatedDialysisMachine(
                        new DeviceIdentity(id, type, "DIALYSIS-2", "HDX-40", "SIM-EDGE-01", "5.0.4"), seed, startSeq);
    }

    /**
     * Steps of 1 s to 60 s for about 3 simulated days, enough for many pump infusions and several full dialysis
     * cycles (treatment, rinse, disinfect, idle, prep), over 20 devices of each type.
     */
    @ParameterizedTest
    @MethodSource("deviceTypes")
    void shouldEmitOnlyRecordsTheStrictDecoderAcceptsOverManySteps(DeviceType type) {
        SplittableRandom steps = new SplittableRandom(SEED);
        for (int d = 0; d < 20; d++) {
            SimulatedDevice device = device(type, DeviceFleet.deviceId("DEV", d), SEED + d, 0);
            long t = T0_MILLIS;
            for (int i = 0; i < 8_000; i++) {
                t += 1_000 + steps.nextInt(59_000);
                byte[] bytes = encoder.encode(device.next(t));
                DecodeResult result = decoder.decode(bytes, t);
                assertThat(result)
                        .as("device %s step %d seed %d: %s", device.deviceId(), i, SEED + d, result)
                        .isInstanceOf(DecodeResult.Decoded.class);
                assertThat(((DecodeResult.Decoded) result).record().deviceType()).isEqualTo(type);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("deviceTypes")
    void shouldProduceIdenticalRecordsForTheSameSeedAndTimes(DeviceType type) {
        List<TelemetryRecord> first = run(device(type, "DEV-0001", SEED, 0), 500);
        List<TelemetryRecord> second = run(device(type, "DEV-0001", SEED, 0), 500);
        List<TelemetryRecord> otherSeed = run(device(type, "DEV-0001", SEED + 1, 0), 500);

        assertThat(second).isEqualTo(first);
        assertThat(otherSeed).isNotEqualTo(first);
    }

    @ParameterizedTest
    @MethodSource("deviceTypes")
    void shouldNumberRecordsFromStartSeqWithoutGapsAndUseTheGivenTimeAsTs(DeviceType type) {
        SimulatedDevice device = device(type, "DEV-0007", SEED, 1_000);
        assertThat(device.lastSeq()).isEqualTo(999);
        long t = T0_MILLIS;
        for (int i = 0; i < 100; i++) {
            t += (i % 10 == 9) ? -5_000 : 2_000; // now and then the device clock steps back
            TelemetryRecord r = device.next(t);
            assertThat(r.seq()).isEqualTo(1_000 + i);
            assertThat(r.tsMillis()).isEqualTo(t);
            assertThat(device.lastSeq()).isEqualTo(r.seq());
        }
    }

    private static List<TelemetryRecord> run(SimulatedDevice device, int records) {
        List<TelemetryRecord> out = new ArrayList<>();
        for (int i = 0; i < records; i++) {
            out.add(device.next(T0_MILLIS + i * 5_000L));
        }
        return out;
    }
}
