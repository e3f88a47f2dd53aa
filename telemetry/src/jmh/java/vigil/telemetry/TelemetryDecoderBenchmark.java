package vigil.telemetry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
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
 * Decode throughput of {@link TelemetryDecoder} for one realistic record of each device type (every envelope field
 * and every metric present, as a collector sends them), against a baseline in the same run: Jackson's
 * {@code ObjectMapper.readTree} over the same bytes, which parses but validates nothing. Score unit: records per
 * second. Run with {@code -prof gc} for bytes allocated per record ({@code gc.alloc.rate.norm}).
 *
 * <p>{@link #constructRecordObjectOnly} allocates exactly the objects a successful decode returns (the
 * {@code Decoded} wrapper, the record, envelope, metrics, the copied strings and boxed optionals) and nothing else,
 * so that "bytes allocated beyond the record object" is {@code decode - constructRecordObjectOnly} of the same run.
 * Command and figures: docs/benchmarks.md.
 *
 * <p>Budget: 6 benchmarks x (3 x 3 s warmup + 5 x 3 s measurement) in one fork each, about 2.5 minutes in all.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 3, time = 3, timeUnit = TimeUnit.SECONDS)
@Measurement(iterations = 5, time = 3, timeUnit = TimeUnit.SECONDS)
@State(Scope.Thread)
public class TelemetryDecoderBenchmark {
    /** The consumer clock: records are 1 s old, so the future-timestamp check passes. */
    private static final long NOW_MILLIS = 1_795_340_401_123L;

    @Param({"pump", "dialysis"})
    public String record;

    private final TelemetryDecoder decoder = new TelemetryDecoder(); // one per thread, as in a shard processor
    private final ObjectMapper mapper = new ObjectMapper();
    private byte[] payload;
    private TelemetryRecord template;
    /* The record's strings as Latin-1 bytes: copied into fresh Strings per call, as the parser does. */
    private byte[][] stringBytes;

    @Setup
    public void encodePayload() {
        template = "pump".equals(record) ? typicalPump() : typicalDialysis();
        payload = new TelemetryEncoder().encode(template);
        if (!(decoder.decode(payload, NOW_MILLIS) instanceof DecodeResult.Decoded d) || !d.record().equals(template)) {
            throw new IllegalStateException("benchmark payload does not decode to its record");
        }
        Envelope e = template.envelope();
        String extra = template instanceof PumpRecord p ? p.metrics().infusionId() : "";
        stringBytes = new byte[][] {
            latin1(e.deviceId()), latin1(e.model()), latin1(e.collectorId()), latin1(e.careUnit()),
            latin1(e.firmware()), latin1(extra)
        };
        System.out.println("payload bytes: " + payload.length);
    }

    private static byte[] latin1(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    @Benchmark
    public DecodeResult decodeWithTelemetryDecoder() {
        return decoder.decode(payload, NOW_MILLIS);
    }

    @Benchmark
    public JsonNode readTreeWithJacksonObjectMapper() throws IOException {
        return mapper.readTree(payload);
    }

    /** Allocation reference: only the objects a successful decode returns. Not a throughput comparison. */
    @Benchmark
    public DecodeResult constructRecordObjectOnly() {
        Envelope e = template.envelope();
        Envelope envelope = new Envelope(
                str(0), e.deviceType(), e.seq(), e.tsMillis(), str(1), str(2), str(3), str(4),
                Long.valueOf(e.settingsVersion().longValue()));
        if (template instanceof PumpRecord p) {
            PumpMetrics m = p.metrics();
            return new DecodeResult.Decoded(new PumpRecord(envelope, new PumpMetrics(
                    m.state(), m.rateMlPerHr(), m.infusedMl(), m.vtbiMl(), m.pressureMmHg(), m.batteryPct(),
                    m.onMains(), str(5), Double.valueOf(m.airInLineUl().doubleValue()),
                    Boolean.valueOf(m.doorOpen().booleanValue()))));
        }
        DialysisMetrics m = ((DialysisRecord) template).metrics();
        return new DecodeResult.Decoded(new DialysisRecord(envelope, new DialysisMetrics(
                m.state(), m.bloodFlowMlPerMin(), m.dialysateFlowMlPerMin(), m.arterialPressureMmHg(),
                m.venousPressureMmHg(), m.tmpMmHg(), m.conductivityMsCm(), m.conductivityRefMsCm(),
                m.dialysateTempC(), m.dialysateTempRefC(), m.ufVolumeMl(), m.ufGoalMl(), m.acidRemainingMl(),
                m.treatmentElapsedMin(), m.treatmentPlannedMin(), m.filterHours(),
                Double.valueOf(m.operatingHours().doubleValue()), Boolean.valueOf(m.bloodLeak().booleanValue()))));
    }

    private String str(int i) {
        return new String(stringBytes[i], StandardCharsets.ISO_8859_1);
    }

    /** An infusion pump with every envelope field and every metric, as a collector sends it (about 400 bytes). */
    static TelemetryRecord typicalPump() {
        return new PumpRecord(
                new Envelope("PUMP-0042", DeviceType.INFUSION_PUMP, 18231, 1795340400123L, "LVP-200",
                        "edge-icu4a-07", "ICU-4A", "3.12.4", 17L),
                new PumpMetrics(PumpState.RUNNING, 125.0, 412.6, 587.4, 85.5, 97, true, "inf-7781-20261122",
                        12.5, false));
    }

    /** A dialysis machine in treatment with every envelope field and every metric (about 650 bytes). */
    static TelemetryRecord typicalDialysis() {
        return new DialysisRecord(
                new Envelope("HD-0007", DeviceType.DIALYSIS, 99120, 1795340400123L, "HD-5008", "edge-neph2-03",
                        "NEPH-2", "4.2.1", 17L),
                new DialysisMetrics(DialysisState.TREATMENT, 300, 500, -150.5, 140, 60.25, 14.0, 14.1, 36.5, 36.6,
                        1200.5, 2500, 4000, 95, 240, 310.25, 20456.5, false));
    }
}
