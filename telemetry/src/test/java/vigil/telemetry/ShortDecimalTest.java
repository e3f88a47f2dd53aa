package vigil.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The short-decimal fast path must give bit for bit what a general, correctly rounding parser gives. */
class ShortDecimalTest {

    private static double parse(String s) {
        return ShortDecimal.parse(s.toCharArray(), 0, s.length());
    }

    @ParameterizedTest
    @ValueSource(strings = {"0.0", "-0.0", "412.6", "-150.25", "0.1", "1200.0", "99999.99999", "0.00000000000001",
        "123456789012345", "-999999999999999", "36.6", "0.1234567890"})
    void shouldGiveExactlyWhatDoubleParseDoubleGives(String s) {
        assertThat(Double.doubleToRawLongBits(parse(s))).isEqualTo(Double.doubleToRawLongBits(Double.parseDouble(s)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"1e5", "1.5E-3", "1234567890123456", "0.000000000000001", "2.2250738585072014",
        "0.30000000000000004", "100.00000000000000001", "-"})
    void shouldLeaveExponentsAndLongNumbersToTheGeneralParser(String s) {
        assertThat(parse(s)).isNaN();
    }

    @Test
    void shouldAgreeWithDoubleParseDoubleOnRandomShortDecimals() {
        long seed = 20261122L;
        Random random = new Random(seed);
        for (int n = 0; n < 200_000; n++) {
            int digits = 1 + random.nextInt(15);
            StringBuilder sb = new StringBuilder(random.nextBoolean() ? "-" : "");
            int point = random.nextInt(digits);
            for (int d = 0; d < digits; d++) {
                if (d == point && d > 0) {
                    sb.append('.');
                }
                sb.append((char) ('0' + random.nextInt(10)));
            }
            String s = sb.toString();
            assertThat(Double.doubleToRawLongBits(parse(s)))
                    .as("seed %d: %s", seed, s)
                    .isEqualTo(Double.doubleToRawLongBits(Double.parseDouble(s)));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-0", "7", "-7", "1795340400123", "999999999999999999", "-999999999999999999",
        "9007199254740991"})
    void shouldReadIntegersOfAtMostEighteenDigitsAsLongParseLongDoes(String s) {
        assertThat(ShortDecimal.parseInteger(s.toCharArray(), 0, s.length())).isEqualTo(Long.parseLong(s));
    }

    @ParameterizedTest
    @ValueSource(strings = {"1000000000000000000", "-1000000000000000000", "9223372036854775807",
        "9223372036854775808", "123456789012345678901234567890", "-", ""})
    void shouldLeaveIntegersOfMoreThanEighteenDigitsToTheParser(String s) {
        assertThat(ShortDecimal.parseInteger(s.toCharArray(), 0, s.length())).isEqualTo(ShortDecimal.NOT_SHORT);
    }

    @Test
    void shouldAgreeWithLongParseLongOnRandomShortIntegers() {
        long seed = 20261204L;
        Random random = new Random(seed);
        for (int n = 0; n < 200_000; n++) {
            int digits = 1 + random.nextInt(18);
            StringBuilder sb = new StringBuilder(random.nextBoolean() ? "-" : "");
            sb.append((char) ('1' + random.nextInt(9)));
            for (int d = 1; d < digits; d++) {
                sb.append((char) ('0' + random.nextInt(10)));
            }
            String s = sb.toString();
            assertThat(ShortDecimal.parseInteger(s.toCharArray(), 0, s.length()))
                    .as("seed %d: %s", seed, s)
                    .isEqualTo(Long.parseLong(s));
        }
    }
}
