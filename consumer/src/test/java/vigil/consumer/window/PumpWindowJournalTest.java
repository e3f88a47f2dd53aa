package vigil.consumer.window;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import org.junit.jupiter.api.Test;
import vigil.telemetry.PumpMetrics;
import vigil.telemetry.PumpState;

/**
 * The v1.1 per-sample state survives a recovery journal: a restored window answers as the journaled one through a
 * stop longer than the ring's retention and a new stop after it (settled records), and arrival skews keep a clock
 * jump's pair out of the flow sums after a restore.
 */
class PumpWindowJournalTest {
    private static final long T0 = 1_795_340_400_000L;

    private static PumpMetrics metrics(PumpState state, double infusedMl, double pressureMmHg) {
        return new PumpMetrics(state, 120, infusedMl, 500, pressureMmHg, 90, true, "inf-1", null, null);
    }

    private static SingleWriterPumpWindow restore(SingleWriterPumpWindow w) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        w.writeJournal(new DataOutputStream(bytes), true);
        SingleWriterPumpWindow.Restorer r = new SingleWriterPumpWindow.Restorer();
        r.apply(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
        return r.build();
    }

    @Test
    void shouldCountTheSameSettledRecordsAfterARestore() throws IOException {
        SingleWriterPumpWindow w = new SingleWriterPumpWindow();
        // stopped from t=0 for 15 min at 1 record/10 s: the run began before the 10 min the ring retains
        for (int s = 0; s <= 900; s += 10) {
            w.offer(T0 + s * 1000L, T0 + s * 1000L, metrics(PumpState.STOPPED, 0, 5));
        }
        SingleWriterPumpWindow restored = restore(w);
        // the next records: still stopped, then running, then a new stop whose first 10 s must not count
        for (int s = 910; s <= 1100; s += 10) {
            PumpState state = s < 1000 ? PumpState.STOPPED : s < 1050 ? PumpState.RUNNING : PumpState.STOPPED;
            double pressure = s >= 1050 && s < 1060 ? 200 : 5; // the release right after the second stop
            w.offer(T0 + s * 1000L, T0 + s * 1000L, metrics(state, 0, pressure));
            restored.offer(T0 + s * 1000L, T0 + s * 1000L, metrics(state, 0, pressure));
            assertThat(restored.pressureSpanMillis()).as("t=%d", s).isEqualTo(w.pressureSpanMillis());
            assertThat(restored.pressureMeanMmHg()).as("t=%d", s).isEqualTo(w.pressureMeanMmHg());
        }
        // settled: 990..; (980, 1100]: 990, 1060..1100 (1050 is the second run's first record: not settled)
        assertThat(w.pressureMeanMmHg()).isEqualTo(5.0);
        assertThat(w.pressureSpanMillis()).isEqualTo(110_000);
    }

    @Test
    void shouldKeepAClockJumpsPairOutOfTheFlowSumsAcrossARestore() throws IOException {
        SingleWriterPumpWindow w = new SingleWriterPumpWindow();
        double infused = 0;
        long jumpMillis = 0;
        for (int k = 0; k <= 40; k++) {
            if (k == 20) {
                jumpMillis = 60_000; // the device clock jumps a minute ahead; arrivals go on every 10 s
            }
            long arrival = T0 + k * 10_000L;
            w.offer(arrival + jumpMillis, arrival, metrics(PumpState.RUNNING, infused, 60));
            infused += 120.0 / 360;
        }
        SingleWriterPumpWindow restored = restore(w);
        assertThat(restored.flowSpanMillis()).isEqualTo(w.flowSpanMillis()).isEqualTo(390_000); // 40 pairs - 1
        assertThat(restored.flowExpectedMl()).isCloseTo(w.flowExpectedMl(), within(1e-9));
        assertThat(restored.flowDeliveredMl()).isCloseTo(w.flowDeliveredMl(), within(1e-9));
        assertThat(w.flowDeliveredMl()).isCloseTo(w.flowExpectedMl(), within(1e-6)); // no false error
    }
}
