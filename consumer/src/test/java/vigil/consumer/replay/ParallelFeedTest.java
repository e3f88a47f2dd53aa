package vigil.consumer.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The what-if's reader gives every sink exactly the lines the single-threaded reader gives, in order. */
class ParallelFeedTest {
    private static final long SEED = 20261204L;

    /** Lines of random lengths (some empty, one longer than a block), CRLF here and there, no final newline. */
    private static byte[] input() {
        Random random = new Random(SEED);
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < 20_000; i++) {
            int length = i == 7_000 ? 1_500_000 : random.nextInt(300);
            for (int j = 0; j < length; j++) {
                s.append((char) ('a' + random.nextInt(26)));
            }
            s.append(random.nextInt(10) == 0 ? "\r\n" : "\n");
            if (random.nextInt(50) == 0) {
                s.append('\n'); // an empty line: skipped by both readers
            }
        }
        s.append("last line without newline");
        return s.toString().getBytes(StandardCharsets.US_ASCII);
    }

    private static ReplayMain.Progress quiet() {
        return new ReplayMain.Progress(new PrintStream(new ByteArrayOutputStream()), 1);
    }

    @Test
    void shouldGiveEverySinkTheSameLinesAsTheSingleThreadedReader() throws IOException {
        byte[] data = input();
        List<String> expected = new ArrayList<>();
        ReplayMain.readLines(new ByteArrayInputStream(data),
                (b, off, len) -> expected.add(new String(b, off, len, StandardCharsets.US_ASCII)),
                () -> expected.size(), quiet());
        List<String> a = Collections.synchronizedList(new ArrayList<>());
        List<String> b = Collections.synchronizedList(new ArrayList<>());

        long lines = ParallelFeed.feed(new ByteArrayInputStream(data), List.of(
                (buf, off, len) -> a.add(new String(buf, off, len, StandardCharsets.US_ASCII)),
                (buf, off, len) -> b.add(new String(buf, off, len, StandardCharsets.US_ASCII))), quiet());

        assertThat(expected).as("seed %d", SEED).hasSizeGreaterThan(19_000);
        assertThat(expected.get(expected.size() - 1)).isEqualTo("last line without newline");
        assertThat(a).as("seed %d", SEED).isEqualTo(expected);
        assertThat(b).as("seed %d", SEED).isEqualTo(expected);
        assertThat(lines).isEqualTo(expected.size());
    }

    @Test
    void shouldRethrowASinksFailureAfterTheOtherSinkFinished() {
        byte[] data = "one\ntwo\nthree\n".repeat(100_000).getBytes(StandardCharsets.US_ASCII);
        List<String> other = Collections.synchronizedList(new ArrayList<>());

        assertThatThrownBy(() -> ParallelFeed.feed(new ByteArrayInputStream(data), List.of(
                (buf, off, len) -> {
                    throw new IllegalArgumentException("boom");
                },
                (buf, off, len) -> other.add("x")), quiet()))
                .isInstanceOf(IllegalStateException.class)
                .hasRootCauseMessage("boom");
        assertThat(other).hasSize(300_000);
    }
}
