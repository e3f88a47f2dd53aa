package vigil.telemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static vigil.telemetry.RawRecord.NOW_MILLIS;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.Size;

/**
 * Properties of the decoder over generated input. Every property has a fixed seed, so a run is reproducible; jqwik
 * prints the seed and the shrunk sample when one fails.
 */
class TelemetryDecoderPropertyTest {
    private static final String SEED = "20261122";

    private final TelemetryEncoder encoder = new TelemetryEncoder();
    private final TelemetryDecoder decoder = new TelemetryDecoder();

    // Edge cases off where records are generated: the combinations of per-field edge cases outnumber the tries and
    // would crowd out random records. Range bounds are generated explicitly by number() instead.
    @Property(seed = SEED, tries = 2000, edgeCases = EdgeCasesMode.NONE)
    void shouldDecodeEveryEncodedValidRecordToAnEqualRecord(@ForAll("validRecords") TelemetryRecord record) {
        DecodeResult result = decoder.decode(encoder.encode(record), NOW_MILLIS);

        assertThat(result).isEqualTo(new DecodeResult.Decoded(record));
    }

    @Property(seed = SEED, tries = 2000, edgeCases = EdgeCasesMode.NONE)
    void shouldDecodeRecordsWithShuffledFieldsToTheSameRecordAsInEncoderOrder(
            @ForAll("validRecords") TelemetryRecord record, @ForAll long shuffleSeed) {
        byte[] shuffled = Members.shuffled(encoder.encode(record), new java.util.Random(shuffleSeed));

        assertThat(decoder.decode(shuffled, NOW_MILLIS)).isEqualTo(new DecodeResult.Decoded(record));
    }

    /**
     * One decoder over a stream whose field order repeats for a while, then changes (a few collectors' orders
     * interleaved, runs of one order, optional fields coming and going) answers as a fresh decoder does for each
     * record.
     */
    @Property(seed = SEED, tries = 200, edgeCases = EdgeCasesMode.NONE)
    void shouldDecodeAStreamOfChangingFieldOrdersAsFreshDecodersDo(
            @ForAll("recordLists") List<TelemetryRecord> records,
            @ForAll long orderSeed) {
        java.util.Random random = new java.util.Random(orderSeed);
        long[] collectorSeeds = {orderSeed, orderSeed + 1, orderSeed + 2};
        for (TelemetryRecord record : records) {
            int runLength = 1 + random.nextInt(4);
            int collector = random.nextInt(collectorSeeds.length + 1); // the last: the encoder's order
            for (int i = 0; i < runLength; i++) {
                byte[] payload = encoder.encode(record);
                if (collector < collectorSeeds.length) {
                    payload = Members.shuffled(payload, new java.util.Random(collectorSeeds[collector]));
                }
                assertThat(decoder.decode(payload, NOW_MILLIS))
                        .as("seed %d", orderSeed)
                        .isEqualTo(new TelemetryDecoder().decode(payload, NOW_MILLIS))
                        .isEqualTo(new DecodeResult.Decoded(record));
            }
        }
    }

    /**
     * Field-level faults (wrong types, out-of-range values, nulls, missing, repeated and unknown fields, several at
     * once) give the same result whatever the field order: the check order is the spec's, not the payload's.
     */
    @Property(seed = SEED, tries = 3000, edgeCases = EdgeCasesMode.NONE)
    void shouldRejectFaultyRecordsWithShuffledFieldsExactlyAsInEncoderOrder(
            @ForAll("validRecords") TelemetryRecord record, @ForAll long faultSeed) {
        java.util.Random random = new java.util.Random(faultSeed);
        List<Members.Member> envelope = new java.util.ArrayList<>(Members.of(encoder.encode(record)));
        int mIndex = indexOf(envelope, "m");
        List<Members.Member> metrics = new java.util.ArrayList<>(Members.of(envelope.get(mIndex).value()));
        for (int faults = 1 + random.nextInt(3); faults > 0; faults--) {
            addFault(random.nextBoolean() ? envelope : metrics, random);
        }
        mIndex = indexOf(envelope, "m");
        if (mIndex >= 0 && envelope.get(mIndex).isObject()) {
            envelope.set(mIndex, new Members.Member("m", Members.write(metrics)));
        }
        byte[] inOrder = Members.write(envelope);
        byte[] shuffled = Members.shuffled(inOrder, random);

        DecodeResult expected = new TelemetryDecoder().decode(inOrder, NOW_MILLIS);
        assertThat(decoder.decode(shuffled, NOW_MILLIS))
                .as("seed %d: %s", faultSeed, new String(shuffled, StandardCharsets.UTF_8))
                .isEqualTo(expected);
    }

    private static final String[] BAD_VALUES = {
        "null", "\"x\"", "-1", "1e400", "1.5", "true", "{}", "[1]", "99999999999999999999", "\"running\"", "-0", "0"
    };

    private static void addFault(List<Members.Member> members, java.util.Random random) {
        if (members.isEmpty()) {
            members.add(new Members.Member("state", "\"running\"".getBytes(StandardCharsets.UTF_8)));
            return;
        }
        int i = random.nextInt(members.size());
        Members.Member m = members.get(i);
        switch (random.nextInt(4)) {
            case 0 -> members.set(i, m.withValue(BAD_VALUES[random.nextInt(BAD_VALUES.length)]));
            case 1 -> members.remove(i);
            case 2 -> members.add(m.withValue(random.nextBoolean()
                    ? new String(m.value(), StandardCharsets.UTF_8)
                    : BAD_VALUES[random.nextInt(BAD_VALUES.length)])); // the field repeated
            default -> members.add(new Members.Member("x" + random.nextInt(5), m.value())); // an unknown field
        }
    }

    private static int indexOf(List<Members.Member> members, String name) {
        for (int i = 0; i < members.size(); i++) {
            if (members.get(i).name().equals(name)) {
                return i;
            }
        }
        return -1;
    }

    @Property(seed = SEED, tries = 3000)
    void shouldNeverThrowOnArbitraryBytes(@ForAll @Size(max = 300) byte[] payload) {
        assertDecodedOrRejected(payload);
    }

    @Property(seed = SEED, tries = 3000)
    void shouldNeverThrowOnJsonLikeText(@ForAll("jsonLikeText") String text) {
        assertDecodedOrRejected(text.getBytes(StandardCharsets.UTF_8));
    }

    @Property(seed = SEED, tries = 3000, edgeCases = EdgeCasesMode.NONE)
    void shouldNeverThrowOnMutatedValidPayloads(
            @ForAll("validRecords") TelemetryRecord record, @ForAll("mutations") List<Mutation> mutations) {
        byte[] payload = encoder.encode(record);
        for (Mutation m : mutations) {
            payload = m.applyTo(payload);
        }
        assertDecodedOrRejected(payload);
    }

    /** Decoded or Rejected, never an exception; a decoded record survives another encode/decode unchanged. */
    private void assertDecodedOrRejected(byte[] payload) {
        DecodeResult result = decoder.decode(payload, NOW_MILLIS);

        assertThat(result).isNotNull();
        if (result instanceof DecodeResult.Decoded decoded) {
            assertThat(decoder.decode(encoder.encode(decoded.record()), NOW_MILLIS)).isEqualTo(result);
        } else {
            assertThat(((DecodeResult.Rejected) result).reason()).isNotEqualTo(RejectReason.DEVICE_TYPE_CHANGED);
        }
    }

    // ---- generators ------------------------------------------------------------------------------------------

    @Provide
    Arbitrary<List<TelemetryRecord>> recordLists() {
        return validRecords().list().ofMinSize(1).ofMaxSize(30);
    }

    @Provide
    Arbitrary<TelemetryRecord> validRecords() {
        return Arbitraries.oneOf(pumpRecords(), dialysisRecords());
    }

    private Arbitrary<TelemetryRecord> pumpRecords() {
        Arbitrary<PumpMetrics> metrics = Combinators.combine(
                        Arbitraries.of(PumpState.class),
                        Combinators.combine(number(0, 1200), number(0, 10000), number(0, 10000), number(-100, 1500),
                                        number(0, 100))
                                .as((a, b, c, d, e) -> new double[] {a, b, c, d, e}),
                        Arbitraries.of(true, false),
                        // v1.1: ^[A-Za-z0-9._:-]{1,64}$
                        Arbitraries.strings().alpha().numeric().withChars("._:-").ofMinLength(1).ofMaxLength(64)
                                .injectNull(0.3),
                        number(0, 10000).injectNull(0.3),
                        Arbitraries.of(true, false).injectNull(0.3))
                .as((state, n, onMains, infusionId, air, door) ->
                        new PumpMetrics(state, n[0], n[1], n[2], n[3], n[4], onMains, infusionId, air, door));
        return Combinators.combine(envelopes(DeviceType.INFUSION_PUMP), metrics).as(PumpRecord::new);
    }

    private Arbitrary<TelemetryRecord> dialysisRecords() {
        Arbitrary<double[]> first = Combinators.combine(number(0, 700), number(0, 1000), number(-500, 300),
                        number(-200, 600), number(-200, 700), number(0, 25), number(0, 25), number(20, 45))
                .as((a, b, c, d, e, f, g, h) -> new double[] {a, b, c, d, e, f, g, h});
        Arbitrary<double[]> second = Combinators.combine(number(20, 45), number(0, 10000), number(0, 10000),
                        number(0, 20000), number(0, 1440), number(0, 1440), number(0, 100000))
                .as((a, b, c, d, e, f, g) -> new double[] {a, b, c, d, e, f, g});
        Arbitrary<DialysisMetrics> metrics = Combinators.combine(
                        Arbitraries.of(DialysisState.class), first, second,
                        number(0, 1_000_000).injectNull(0.3), Arbitraries.of(true, false).injectNull(0.3))
                .as((state, a, b, hours, leak) -> new DialysisMetrics(state, a[0], a[1], a[2], a[3], a[4], a[5],
                        a[6], a[7], b[0], b[1], b[2], b[3], b[4], b[5], b[6], hours, leak));
        return Combinators.combine(envelopes(DeviceType.DIALYSIS), metrics).as(DialysisRecord::new);
    }

    private Arbitrary<Envelope> envelopes(DeviceType type) {
        Arbitrary<String> idTail = Arbitraries.strings().withChars("AZaz09._-").withCharRange('a', 'z')
                .ofMinLength(2).ofMaxLength(63);
        Arbitrary<String> deviceIds = Combinators.combine(
                        Arbitraries.strings().alpha().numeric().ofLength(1), idTail)
                .as(String::concat);
        Arbitrary<String> careUnits = Arbitraries.strings().alpha().numeric().withChars("._-")
                .ofMinLength(1).ofMaxLength(32);
        Arbitrary<Long> seqs = Arbitraries.longs().between(0, (1L << 53) - 1);
        Arbitrary<Long> tsMillis = Arbitraries.longs().between(0, NOW_MILLIS + TelemetryDecoder.MAX_FUTURE_SKEW_MILLIS);
        return Combinators.combine(
                        deviceIds, seqs, tsMillis,
                        text(64).injectNull(0.3),
                        text(64).injectNull(0.3),
                        careUnits.injectNull(0.3),
                        text(32).injectNull(0.3),
                        Arbitraries.longs().between(0, Long.MAX_VALUE).injectNull(0.3))
                .as((id, seq, ts, model, collector, careUnit, fw, settings) ->
                        new Envelope(id, type, seq, ts, model, collector, careUnit, fw, settings));
    }

    /** Any double in [min, max], with the bounds and small integers often. */
    private static Arbitrary<Double> number(double min, double max) {
        return Arbitraries.oneOf(
                Arbitraries.doubles().between(min, max).ofScale(6),
                Arbitraries.of(min, max, Math.max(min, 0.0)),
                Arbitraries.integers().between((int) min, (int) max).map(Integer::doubleValue),
                Arbitraries.doubles().between(min, max).ofScale(17));
    }

    /** Strings of up to {@code maxChars} Unicode characters, any plane, no lone surrogates. */
    private static Arbitrary<String> text(int maxChars) {
        Arbitrary<Integer> codePoints = Arbitraries.frequencyOf(
                Tuple.of(6, Arbitraries.integers().between(0x20, 0x7E)),
                Tuple.of(1, Arbitraries.integers().between(0, 0x1F)),
                Tuple.of(2, Arbitraries.integers().between(0x80, 0xD7FF)),
                Tuple.of(1, Arbitraries.integers().between(0xE000, 0x10FFFF)));
        return codePoints.list().ofMaxSize(maxChars).map(cps -> {
            StringBuilder sb = new StringBuilder();
            cps.forEach(sb::appendCodePoint);
            return sb.toString();
        });
    }

    @Provide
    Arbitrary<String> jsonLikeText() {
        Arbitrary<String> tokens = Arbitraries.of(
                "{", "}", "[", "]", ":", ",", " ", "\"", "\\", "\\u00", "0", "1", "-", ".", "e", "E", "+",
                "true", "false", "null", "NaN", "Infinity", "\"schema\"", "\"vigil.telemetry.v1\"", "\"deviceId\"",
                "\"PUMP-0042\"", "\"deviceType\"", "\"infusion_pump\"", "\"dialysis\"", "\"seq\"", "\"ts\"", "\"m\"",
                "\"state\"", "\"running\"", "\"rateMlPerHr\"", "\"onMains\"", "\"filterHours\"", "\"model\"",
                "9223372036854775808", "1e400", "\u00e9", "\uD83D\uDE00");
        return tokens.list().ofMaxSize(80).map(list -> String.join("", list));
    }

    @Provide
    Arbitrary<List<Mutation>> mutations() {
        Arbitrary<Mutation> one = Combinators.combine(
                        Arbitraries.of(Mutation.Kind.class),
                        Arbitraries.integers().between(0, Integer.MAX_VALUE),
                        Arbitraries.bytes(),
                        Arbitraries.integers().between(1, 40))
                .as(Mutation::new);
        return one.list().ofMinSize(1).ofMaxSize(5);
    }

    /** One edit of a payload: where is a position modulo the payload length. */
    record Mutation(Kind kind, int where, byte value, int span) {
        enum Kind {
            FLIP_BYTE,
            INSERT_BYTE,
            DELETE_SPAN,
            DUPLICATE_SPAN,
            TRUNCATE
        }

        byte[] applyTo(byte[] b) {
            if (b.length == 0) {
                return new byte[] {value};
            }
            int at = where % b.length;
            int end = Math.min(b.length, at + span);
            return switch (kind) {
                case FLIP_BYTE -> {
                    byte[] c = b.clone();
                    c[at] = value;
                    yield c;
                }
                case INSERT_BYTE -> splice(b, at, at, new byte[] {value});
                case DELETE_SPAN -> splice(b, at, end, new byte[0]);
                case DUPLICATE_SPAN -> splice(b, at, at, Arrays.copyOfRange(b, at, end));
                case TRUNCATE -> Arrays.copyOf(b, at);
            };
        }

        private static byte[] splice(byte[] b, int from, int to, byte[] insert) {
            byte[] c = new byte[b.length - (to - from) + insert.length];
            System.arraycopy(b, 0, c, 0, from);
            System.arraycopy(insert, 0, c, from, insert.length);
            System.arraycopy(b, to, c, from + insert.length, b.length - to);
            return c;
        }
    }
}
