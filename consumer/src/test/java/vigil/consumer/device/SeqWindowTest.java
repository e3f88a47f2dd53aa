package vigil.consumer.device;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SeqWindowTest {

    @Test
    void shouldReportOnlyAcceptedSeqsAsSeen() {
        SeqWindow w = new SeqWindow();
        assertThat(w.seen(0)).isFalse();
        w.add(5);
        w.add(3);
        // highest 5; seen {3, 5}
        assertThat(w.seen(5)).isTrue();
        assertThat(w.seen(3)).isTrue();
        assertThat(w.seen(4)).isFalse();
        assertThat(w.seen(6)).isFalse();
    }

    @Test
    void shouldForgetSlotsTheWindowSlidesOver() {
        SeqWindow w = new SeqWindow();
        w.add(10);
        w.add(10 + SeqWindow.WINDOW - 1); // slot of 10 still means 10
        assertThat(w.seen(10)).isTrue();
        w.add(10 + SeqWindow.WINDOW + 1); // 10 is now beyond the bitmap: reported seen (too old to tell)
        assertThat(w.seen(10 + SeqWindow.WINDOW)).isFalse(); // same slot as 10, never accepted
        assertThat(w.seen(11 + SeqWindow.WINDOW - 1)).isFalse();
    }

    @Test
    void shouldTreatSeqsOlderThanTheWindowAsSeen() {
        SeqWindow w = new SeqWindow();
        w.add(5000);
        assertThat(w.seen(5000 - SeqWindow.WINDOW)).isTrue();
        assertThat(w.seen(5000 - SeqWindow.WINDOW + 1)).isFalse();
    }

    @Test
    void shouldAgreeWithAnExactSetInsideTheWindow() {
        long seed = 42;
        Random random = new Random(seed);
        SeqWindow w = new SeqWindow();
        Set<Long> exact = new HashSet<>();
        long base = 0;
        for (int i = 0; i < 20_000; i++) {
            base += random.nextInt(3);
            long seq = Math.max(0, base - random.nextInt(200));
            boolean expected = exact.contains(seq);
            if (w.highest() - seq < SeqWindow.WINDOW) {
                assertThat(w.seen(seq)).as("seed %d step %d seq %d", seed, i, seq).isEqualTo(expected);
            }
            if (!w.seen(seq)) {
                w.add(seq);
                exact.add(seq);
            }
        }
    }
}
