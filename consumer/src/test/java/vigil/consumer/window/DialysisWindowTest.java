package vigil.consumer.window;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;
import vigil.telemetry.DialysisMetrics;
import vigil.telemetry.DialysisState;

class DialysisWindowTest {
    private final SingleWriterDialysisWindow w = new SingleWriterDialysisWindow();

    private void offer(long seconds, double acidMl) {
        w.offer(seconds * 1000, new DialysisMetrics(DialysisState.TREATMENT, 300, 500, -150, 150, 100, 14.2, 14, 37,
                37, 500, 2000, acidMl, 60, 240, 100, null, null));
    }

    @Test
    void shouldEvictASampleExactlyOneWindowOld() {
        offer(0, 1000);
        offer(150, 990);
        assertThat(w.divergenceSpanMillis()).isEqualTo(150_000);
        offer(300, 980); // window (0, 300]: the sample at 0 is exactly 5 min old: out
        assertThat(w.divergenceSpanMillis()).isEqualTo(150_000);
        assertThat(w.conductivityDivergenceMeanMsCm()).isCloseTo(0.2, within(1e-6));
    }

    @Test
    void shouldRestartTheAcidSlopeAtAResetFoundOutOfOrder() {
        offer(0, 1000);
        offer(60, 990);
        offer(180, 6000); // +5010: reset at 180
        assertThat(w.resetByLastOffer()).isTrue();
        assertThat(w.acidSpanMillis()).isEqualTo(-1); // only the reset sample counts
        offer(240, 5990);
        assertThat(w.resetByLastOffer()).isFalse();
        offer(120, 6010); // out of order: now the reset is at 120 (990 -> 6010), and 180 is no longer one
        assertThat(w.resetByLastOffer()).isTrue();
        assertThat(w.acidSpanMillis()).isEqualTo(120_000); // 120, 180, 240
        assertThat(w.acidSlopeMlPerMinute()).isCloseTo(-10.0, within(1e-9));
    }
}
