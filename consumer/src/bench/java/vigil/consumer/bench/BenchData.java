package vigil.consumer.bench;

import java.io.ByteArrayOutputStream;
import java.util.Random;
import vigil.telemetry.DeviceType;
import vigil.telemetry.DialysisMetrics;
import vigil.telemetry.DialysisRecord;
import vigil.telemetry.DialysisState;
import vigil.telemetry.Envelope;
import vigil.telemetry.PumpMetrics;
import vigil.telemetry.PumpRecord;
import vigil.telemetry.PumpState;
import vigil.telemetry.TelemetryEncoder;
import vigil.telemetry.TelemetryRecord;

/**
 * A seeded telemetry file in memory: half pumps, half dialysis machines, one record every 10 s per device, every
 * envelope field and every metric present (as a collector sends them), with about 1 % malformed lines, 1 %
 * duplicates, 1 % records delayed by up to 60 s, and a fault (flow drift, pressure offset, sensor drift, battery
 * drain, concentrate running low) on one device in ten.
 */
final class BenchData {
    static final long T0 = 1_795_340_400_000L;
    static final long INTERVAL_MILLIS = 10_000;

    final byte[] bytes; // lines, each ending '\n'
    final int[] offsets; // line i = bytes[offsets[i], offsets[i + 1] - 1)
    final int lines;
    final long pumpBytes;
    final long pumpLines;
    final long dialysisBytes;
    final long dialysisLines;

    private BenchData(byte[] bytes, int[] offsets, int lines, long[] sizes) {
        this.bytes = bytes;
        this.offsets = offsets;
        this.lines = lines;
        this.pumpBytes = sizes[0];
        this.pumpLines = sizes[1];
        this.dialysisBytes = sizes[2];
        this.dialysisLines = sizes[3];
    }

    /** Lines already laid out (see {@link BenchFile#toBenchData}); sizes: pump bytes, lines, dialysis bytes, lines. */
    static BenchData of(byte[] bytes, int[] offsets, int lines, long[] sizes) {
        return new BenchData(bytes, offsets, lines, sizes);
    }

    static BenchData generate(int devices, int records, long seed) {
        Random random = new Random(seed);
        TelemetryEncoder encoder = new TelemetryEncoder();
        ByteArrayOutputStream out = new ByteArrayOutputStream(records * 560);
        int[] offsets = new int[records + 2];
        long[] sizes = new long[4];
        double[] infused = new double[devices];
        double[] battery = new double[devices];
        double[] acid = new double[devices];
        long[] seq = new long[devices];
        byte[][] delayed = new byte[devices][];
        byte[] previous = null;
        int n = 0;
        for (int round = 0; n < records; round++) {
            for (int d = 0; d < devices && n < records; d++) {
                long ts = T0 + round * INTERVAL_MILLIS + d % 1000;
                boolean faulty = d % 10 < 2; // one pump and one dialysis machine in ten
                boolean pump = d % 2 == 0;
                TelemetryRecord r;
                if (pump) {
                    r = pump(d, seq[d]++, ts, round, faulty, infused, battery, random);
                } else {
                    r = dialysis(d, seq[d]++, ts, round, faulty, acid, random);
                }
                byte[] line = encoder.encode(r);
                int roll = random.nextInt(100);
                if (roll == 0) {
                    line = malformed(line, random);
                } else if (roll == 1 && previous != null) {
                    offsets[n++] = out.size();
                    out.write(previous, 0, previous.length); // a duplicate of an earlier line
                    out.write('\n');
                    if (n >= records) {
                        break;
                    }
                } else if (roll == 2 && delayed[d] == null) {
                    delayed[d] = line; // sent after the device's next record: out of order by 10 s
                    continue;
                }
                offsets[n++] = out.size();
                out.write(line, 0, line.length);
                out.write('\n');
                sizes[pump ? 0 : 2] += line.length;
                sizes[pump ? 1 : 3]++;
                if (delayed[d] != null && line != delayed[d] && n < records) {
                    offsets[n++] = out.size();
                    out.write(delayed[d], 0, delayed[d].length);
                    out.write('\n');
                    delayed[d] = null;
                }
                previous = line;
            }
        }
        offsets[n] = out.size();
        return new BenchData(out.toByteArray(), offsets, n, sizes);
    }

    static PumpRecord pump(int d, long seq, long ts, int round, boolean faulty, double[] infused,
            double[] battery, Random random) {
        if (round == 0) {
            battery[d] = 100;
        }
        boolean running = (round / 60) % 4 != 3; // 30 of every 40 min running
        PumpState state = running ? PumpState.RUNNING : (d % 4 == 0 ? PumpState.STOPPED : PumpState.PAUSED);
        double rate = 50 + (d % 20) * 10;
        boolean onMains = !(faulty && (round / 120) % 2 == 1);
        if (running) {
            infused[d] += rate * INTERVAL_MILLIS / 3_600_000.0 * (faulty ? 1.08 : 1.0) * (1 + random.nextGaussian()
                    * 0.005);
        }
        battery[d] = onMains ? Math.min(100, battery[d] + 0.5) : Math.max(0, battery[d] - 0.3);
        double pressure = running ? 80 + random.nextGaussian() * 5 : (faulty ? 20 : 2) + random.nextGaussian();
        return new PumpRecord(
                new Envelope(String.format("PUMP-%05d", d), DeviceType.INFUSION_PUMP, seq, ts, "LVP-200-XL-REV4",
                        "collector-icu-west-wing-07", "ICU-4A", "4.12.7-build.2291", 17L),
                new PumpMetrics(state, rate, round(infused[d]), round(Math.max(0, 1000 - infused[d])),
                        round(pressure), round(battery[d]), onMains, "inf-" + d + "-" + (round / 240), 0.0,
                        Boolean.FALSE));
    }

    static DialysisRecord dialysis(int d, long seq, long ts, int round, boolean faulty, double[] acid,
            Random random) {
        if (round % 240 == 0) {
            acid[d] = 6000;
        }
        acid[d] -= faulty ? 15 : 3;
        double cond = 14 + random.nextGaussian() * 0.02;
        double temp = 37 + random.nextGaussian() * 0.05;
        return new DialysisRecord(
                new Envelope(String.format("DIAL-%05d", d), DeviceType.DIALYSIS, seq, ts, "HD-5008-CORDIAX",
                        "collector-dialysis-east-03", "DIALYSIS-2", "5.2.1-build.1182", 4L),
                new DialysisMetrics(DialysisState.TREATMENT, round(300 + random.nextGaussian() * 3),
                        round(500 + random.nextGaussian() * 3), round(-150 + random.nextGaussian() * 3),
                        round(150 + random.nextGaussian() * 3), round(100 + random.nextGaussian() * 3),
                        round(cond + (faulty ? 0.3 : 0)), round(cond), round(temp), round(temp + (faulty ? 0.7 : 0)),
                        round(round * 2.0), 2500, round(Math.max(0, acid[d])), round((round % 240) / 6.0), 240,
                        round(600 + (d % 400) + round / 360.0), round(21_000 + d + round / 360.0), Boolean.FALSE));
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }

    private static byte[] malformed(byte[] line, Random random) {
        return switch (random.nextInt(3)) {
            case 0 -> java.util.Arrays.copyOf(line, line.length / 2); // truncated: NOT_JSON
            case 1 -> new String(line, java.nio.charset.StandardCharsets.UTF_8)
                    .replaceFirst("\"seq\":", "\"seq\":\"x").getBytes(java.nio.charset.StandardCharsets.UTF_8);
            default -> new String(line, java.nio.charset.StandardCharsets.UTF_8)
                    .replaceFirst("\"batteryPct\":[0-9.]+", "\"batteryPct\":250")
                    .replaceFirst("\"filterHours\":[0-9.]+", "\"filterHours\":-1")
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8);
        };
    }
}
