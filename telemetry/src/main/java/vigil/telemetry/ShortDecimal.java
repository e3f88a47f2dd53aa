package vigil.telemetry;

/**
 * Exact conversion of short JSON decimals such as {@code 412.6} or {@code -150.25} to the nearest double, without
 * a general-purpose parser. Telemetry metrics are nearly all of this shape.
 *
 * <p>Why the result is correctly rounded (Clinger's fast path): with at most 15 digits the digits form an integer
 * {@code m < 10^15 < 2^53}, and with at most 15 fraction digits {@code 10^f <= 10^15 < 2^53}; both are exact
 * doubles, and IEEE 754 division rounds {@code m / 10^f} correctly, which is the decimal's exact value. The sign is
 * applied last, so {@code -0.0} stays negative zero as a general parser gives it.
 */
final class ShortDecimal {
    private static final int MAX_DIGITS = 15;
    private static final double[] POWERS_OF_TEN = {
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15
    };

    /** {@link #parseInteger}'s answer for an integer of more than 18 digits. */
    static final long NOT_SHORT = Long.MIN_VALUE;
    private static final int MAX_INTEGER_DIGITS = 18; // 10^18 - 1 < 2^63 - 1: never overflows

    private ShortDecimal() {}

    /**
     * The value of the JSON integer in {@code text[offset, offset + length)} ({@code -?digits}, a token the parser
     * already validated), or {@link #NOT_SHORT} when it has more than 18 digits (the caller asks the parser, which
     * tells a long from a big integer). {@code -0} is 0, as the parser gives it.
     */
    static long parseInteger(char[] text, int offset, int length) {
        int i = offset;
        int end = offset + length;
        boolean negative = i < end && text[i] == '-';
        if (negative) {
            i++;
        }
        if (end - i > MAX_INTEGER_DIGITS || end == i) {
            return NOT_SHORT;
        }
        long value = 0;
        for (; i < end; i++) {
            char c = text[i];
            if (c < '0' || c > '9') {
                return NOT_SHORT;
            }
            value = value * 10 + (c - '0');
        }
        return negative ? -value : value;
    }

    /**
     * The double nearest to the JSON number in {@code text[offset, offset + length)}, or NaN when it is not of the
     * form {@code -?digits(.digits)?} with at most 15 digits in all (exponents and longer numbers: NaN). The text
     * is a number token the parser already validated.
     */
    static double parse(char[] text, int offset, int length) {
        int i = offset;
        int end = offset + length;
        boolean negative = i < end && text[i] == '-';
        if (negative) {
            i++;
        }
        long mantissa = 0;
        int digits = 0;
        int fractionDigits = 0;
        boolean inFraction = false;
        for (; i < end; i++) {
            char c = text[i];
            if (c >= '0' && c <= '9') {
                if (++digits > MAX_DIGITS) {
                    return Double.NaN;
                }
                mantissa = mantissa * 10 + (c - '0');
                if (inFraction) {
                    fractionDigits++;
                }
            } else if (c == '.' && !inFraction) {
                inFraction = true;
            } else {
                return Double.NaN; // exponent, or anything unexpected
            }
        }
        if (digits == 0) {
            return Double.NaN;
        }
        double value = mantissa / POWERS_OF_TEN[fractionDigits];
        return negative ? -value : value;
    }
}
