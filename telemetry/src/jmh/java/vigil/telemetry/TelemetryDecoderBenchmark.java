package vigil.telemetry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Decode throughput of {@link TelemetryDecoder} for one typical record of each device type, against a baseline in
 * the same run: Jackson's {@code ObjectMapper.readTree} over the same bytes, which parses but validates nothing.
 * Score unit: records per second. Run with {@code -prof gc} for bytes allocated per record
 * ({@code gc.alloc.rate.norm}). Command and figures: docs/decoder.md.
 *
 * <p>Budget: 4 benchmarks x (3 x 5 s warmup + 5 x 5 s measurement) in one fork each, about 3 minutes in all.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 3, time = 5, timeUnit = TimeUnit.SECONDS)
@Measurement(iterations = 5, time = 5, timeUnit = TimeUnit.SECONDS)
@State(Scope.Thread)
public class TelemetryDecoderBenchmark {
    /** The consumer clock: records are 1 s old, so the future-timestamp check passes. */
    private static final long NOW_MILLIS = 1_795_340_401_123L;

    @Param({"pump", "dialysis"})
    public String record;

    private final TelemetryDecoder decoder = new TelemetryDecoder(); // one per thread, as in a shard processor
    private final ObjectMapper mapper = new ObjectMapper();
    private byte[] payload;

    @Setup
    public void encodePayload() {
        TelemetryRecord typical = "pump".equals(record) ? typicalPump() : typicalDialysis();
        payload = new TelemetryEncoder().encode(typical);
        if (!(decoder.decode(payload, NOW_MILLIS) instanceof DecodeResult.Decoded)) {
            throw new IllegalStateException("benchmark payload does not decode");
        }
    }

    @Benchmark
    public DecodeResult decodeWithTelemetryDecoder() {
        return decoder.decode(payload, NOW_MILLIS);
    }

    @Benchmark
    public JsonNode readTreeWithJacksonObjectMapper() throws IOException {
        return mapper.readTree(payload);
    }

    /** The spec's example record (telemetry-v1.md, "Example"). */
    static TelemetryRecord typicalPump() {
        return new PumpRecord(
                new Envelope("PUMP-0042", DeviceType.INFUSION_PUMP, 18231, 1795340400123L, "LVP-200", "edge-07",
                        "ICU-4A", null, null),
                new PumpMetrics(PumpState.RUNNING, 125.0, 412.6, 587.4, 85, 97, true, "inf-7781", null, null));
    }

    /** A dialysis machine in treatment, with the optional fields a collector usually sends. */
    static TelemetryRecord typicalDialysis() {
        return new DialysisRecord(
                new Envelope("HD-0007", DeviceType.DIALYSIS, 99120, 1795340400123L, "HD-5008", "edge-07", "NEPH-2",
                        "4.2.1", 17L),
                new DialysisMetrics(DialysisState.TREATMENT, 300, 500, -150.5, 140, 60, 14.0, 14.1, 36.5, 36.6,
                        1200, 2500, 4000, 95, 240, 310.25, 20456.5, false));
    }
}
