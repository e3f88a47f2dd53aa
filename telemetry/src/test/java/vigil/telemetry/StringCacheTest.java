package vigil.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The decoder's string cache: equal strings always, the same instance while an entry is not replaced. */
class StringCacheTest {
    private final StringCache cache = new StringCache();

    private String fromChars(String s) {
        char[] padded = ("..." + s + "..").toCharArray();
        return cache.get(padded, 3, s.length());
    }

    private String fromBytes(String s) {
        byte[] padded = ("." + s + "...").getBytes(StandardCharsets.ISO_8859_1);
        return cache.getAscii(padded, 1, s.length());
    }

    @Test
    void shouldReturnTheSameInstanceForTheSameCharactersFromCharsOrAsciiBytes() {
        String first = fromChars("PUMP-0042");

        assertThat(fromChars("PUMP-0042")).isSameAs(first);
        assertThat(fromBytes("PUMP-0042")).isSameAs(first);
        assertThat(fromChars("PUMP-0043")).isEqualTo("PUMP-0043").isNotSameAs(first);
    }

    @Test
    void shouldAlwaysReturnAnEqualStringWhateverReplacedTheEntries() {
        long seed = 20261204L;
        Random random = new Random(seed);
        String[] values = new String[20_000]; // five times the entries: entries are replaced all the time
        for (int i = 0; i < values.length; i++) {
            values[i] = "DEV-" + Integer.toString(random.nextInt(1 << 20), 36) + (random.nextBoolean() ? "" : ".x");
        }
        for (int n = 0; n < 200_000; n++) {
            String v = values[random.nextInt(values.length)];
            String got = random.nextBoolean() ? fromChars(v) : fromBytes(v);
            assertThat(got).as("seed %d", seed).isEqualTo(v);
        }
    }

    @Test
    void shouldNotCacheStringsLongerThanTheLimit() {
        String longer = "x".repeat(StringCache.MAX_CHARS + 1);

        assertThat(fromChars(longer)).isEqualTo(longer).isNotSameAs(fromChars(longer));
        assertThat(fromBytes("")).isEmpty();
    }
}
