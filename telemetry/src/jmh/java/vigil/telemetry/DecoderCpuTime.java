package vigil.telemetry;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.Locale;
import java.util.function.ToIntFunction;

/**
 * Records per CPU-second of the calling thread, for the decoder and the readTree baseline, interleaved round by
 * round. A companion to {@link TelemetryDecoderBenchmark} for a shared machine: JMH's throughput is wall-clock, so
 * other processes competing for the two cores show up as a slower decoder; thread CPU time does not count the time
 * the thread waited for a core. (Cache and SMT sharing with the neighbours still show.) Also reports bytes
 * allocated per record by the thread, as a cross-check of JMH's {@code gc.alloc.rate.norm}.
 *
 * <p>Run: {@code java -cp telemetry/target/telemetry-benchmarks.jar vigil.telemetry.DecoderCpuTime}
 */
public final class DecoderCpuTime {
    private static final long NOW_MILLIS = 1_795_340_401_123L;
    private static final int ROUNDS = 9;
    private static final long ROUND_NANOS = 2_000_000_000L;

    private DecoderCpuTime() {}

    public static void main(String[] args) {
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        TelemetryDecoder decoder = new TelemetryDecoder();
        ObjectMapper mapper = new ObjectMapper();
        for (String record : new String[] {"pump", "dialysis"}) {
            byte[] payload = new TelemetryEncoder().encode("pump".equals(record)
                    ? TelemetryDecoderBenchmark.typicalPump()
                    : TelemetryDecoderBenchmark.typicalDialysis());
            ToIntFunction<byte[]> ours = b -> decoder.decode(b, NOW_MILLIS) instanceof DecodeResult.Decoded ? 1 : 0;
            ToIntFunction<byte[]> tree = b -> {
                try {
                    return mapper.readTree(b).size();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            };
            round(threads, ours, payload, 3 * ROUND_NANOS); // warm-up
            round(threads, tree, payload, 3 * ROUND_NANOS);
            double[][] oursRounds = new double[ROUNDS][];
            double[][] treeRounds = new double[ROUNDS][];
            for (int r = 0; r < ROUNDS; r++) {
                oursRounds[r] = round(threads, ours, payload, ROUND_NANOS);
                treeRounds[r] = round(threads, tree, payload, ROUND_NANOS);
            }
            report(record, payload.length, "decoder", oursRounds);
            report(record, payload.length, "readTree", treeRounds);
        }
    }

    /** Returns {records per CPU-second, bytes allocated per record, share of wall time on a CPU}. */
    private static double[] round(
            com.sun.management.ThreadMXBean threads, ToIntFunction<byte[]> op, byte[] payload, long wallNanos) {
        long id = Thread.currentThread().getId();
        long sink = 0;
        long ops = 0;
        long bytes0 = threads.getThreadAllocatedBytes(id);
        long cpu0 = threads.getCurrentThreadCpuTime();
        long wall0 = System.nanoTime();
        long wall;
        do {
            for (int i = 0; i < 1000; i++) {
                sink += op.applyAsInt(payload);
            }
            ops += 1000;
            wall = System.nanoTime() - wall0;
        } while (wall < wallNanos);
        long cpu = threads.getCurrentThreadCpuTime() - cpu0;
        long bytes = threads.getThreadAllocatedBytes(id) - bytes0;
        if (sink == 42) {
            System.out.print("");
        }
        return new double[] {ops * 1e9 / cpu, (double) bytes / ops, (double) cpu / wall};
    }

    private static void report(String record, int payloadBytes, String what, double[][] rounds) {
        double[] perCpuSecond = Arrays.stream(rounds).mapToDouble(r -> r[0]).sorted().toArray();
        double bytesPerOp = Arrays.stream(rounds).mapToDouble(r -> r[1]).average().orElse(Double.NaN);
        double onCpu = Arrays.stream(rounds).mapToDouble(r -> r[2]).average().orElse(Double.NaN);
        System.out.printf(Locale.ROOT,
                "%-9s %-8s %4d B  records/CPU-s median %,10.0f  (min %,10.0f  max %,10.0f, %d rounds)  "
                        + "%6.1f B/record  on-CPU %3.0f%% of wall%n",
                record, what, payloadBytes, perCpuSecond[perCpuSecond.length / 2], perCpuSecond[0],
                perCpuSecond[perCpuSecond.length - 1], perCpuSecond.length, bytesPerOp, onCpu * 100);
    }
}
