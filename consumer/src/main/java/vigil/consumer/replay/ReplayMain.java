package vigil.consumer.replay;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.function.LongSupplier;
import vigil.consumer.rules.SettingsSource;

/**
 * {@code vigil replay FILE.jsonl [--settings FILE.json] [--now TIME] [--report] [--compare B.json]}: decodes a JSON-lines telemetry file and runs
 * the alert engine over it offline. Alert transitions go to stdout as JSON lines; progress and the summary go to
 * stderr. Exit status: 0 done, 2 usage error, 1 I/O error.
 */
public final class ReplayMain {
    private static final String USAGE = """
            Usage: vigil replay FILE.jsonl [--settings FILE.json] [--now TIME] [--report] [--compare B.json]

            Runs the telemetry decoder and the alert engine over a JSON-lines file of telemetry-v1 records, in
            file order (out-of-order records within 120 s are placed by event time, as live). Prints every alert
            transition as one JSON object per line on stdout, and progress and a summary (records, accepted,
            rejected by reason, duplicates, late, alerts by type) on stderr.

            Arrival times, as live: a line {"arrivalMs": <epoch ms>, "payload": {...record...}} arrives at its
            arrivalMs; a plain record line arrives at the greatest ts of the earlier accepted lines (the first
            line at its own ts). FUTURE_TIMESTAMP, late records, DEVICE_OFFLINE and DATA_QUALITY use these
            arrival times (docs/scenarios.md, "Replay").

              --settings FILE.json  settings documents (api-v1 "Settings document"): one object, or an array;
                                    threshold overrides, calibration dates and care units per device. A
                                    document without deviceId (at most one) applies to every device without
                                    its own (its careUnit is ignored); unknown threshold names are errors
              --report              instead of the transitions, print the alarm burden report on stdout: per
                                    care unit, device type and alert type, alerts per device-day, escalated,
                                    latched, the share cleared by itself within 5 min (nuisance), and the
                                    devices with the most alerts, over the file's ts range
                                    (docs/alarm-burden.md)
              --compare B.json      what-if: run the file under the --settings documents (A; catalogue
                                    defaults without --settings) and under B.json in one pass, and print per
                                    alert type the alerts per device-day under A and B and every alert that
                                    appears or disappears with B (device, type, raise time); with --report,
                                    both reports follow
              --now TIME            a last processing-time check at TIME (ISO-8601 instant or epoch millis),
                                    e.g. to see which devices are offline at that moment
              --help                this text
            """;

    private ReplayMain() {}

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream stdout, PrintStream stderr) {
        Path file = null;
        Path settingsFile = null;
        Long nowMillis = null;
        boolean report = false;
        Path compareFile = null;
        try {
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--help", "-h" -> {
                        stdout.print(USAGE);
                        return 0;
                    }
                    case "--settings" -> settingsFile = Path.of(value(args, ++i, "--settings"));
                    case "--now" -> nowMillis = parseTime(value(args, ++i, "--now"));
                    case "--report" -> report = true;
                    case "--compare" -> compareFile = Path.of(value(args, ++i, "--compare"));
                    default -> {
                        if (args[i].startsWith("--") || file != null) {
                            throw new IllegalArgumentException("unexpected argument: " + args[i]);
                        }
                        file = Path.of(args[i]);
                    }
                }
            }
            if (file == null) {
                throw new IllegalArgumentException("no input file");
            }
        } catch (IllegalArgumentException e) {
            stderr.println("replay: " + e.getMessage());
            stderr.print(USAGE);
            return 2;
        }
        try {
            SettingsSource settings = SettingsSource.NONE;
            if (settingsFile != null) {
                SettingsFile.Loaded loaded = SettingsFile.load(settingsFile);
                settings = loaded.source();
                stderr.println("replay: " + loaded.describe());
            }
            if (compareFile != null) {
                SettingsFile.Loaded b = SettingsFile.load(compareFile);
                stderr.println("replay: compare with " + b.describe());
                String nameA = settingsFile == null ? "catalogue defaults" : settingsFile.getFileName().toString();
                return WhatIfRun.run(file, settings, nameA, b.source(), compareFile.getFileName().toString(),
                        nowMillis, report, stdout, stderr);
            }
            if (report) {
                return WhatIfRun.report(file, settings, nowMillis, stdout, stderr);
            }
            BufferedWriter out = new BufferedWriter(new OutputStreamWriter(stdout, StandardCharsets.UTF_8), 1 << 16);
            Replay replay = new Replay(settings, t -> write(out, AlertJson.toJson(t)));
            long started = System.nanoTime();
            long total = Files.size(file);
            try (InputStream in = Files.newInputStream(file)) {
                readLines(in, replay::line, replay::lines, new Progress(stderr, total));
            }
            replay.finish(nowMillis);
            out.flush();
            double seconds = (System.nanoTime() - started) / 1e9;
            stderr.printf("replay: %d lines in %.1f s (%.0f lines/s)%n", replay.lines(), seconds,
                    replay.lines() / Math.max(seconds, 1e-9));
            stderr.print(replay.summary());
            return 0;
        } catch (IOException | UncheckedIOException e) {
            stderr.println("replay: " + e.getMessage());
            return 1;
        } catch (IllegalArgumentException e) {
            stderr.println("replay: " + e.getMessage());
            return 2;
        }
    }

    /** Splits the stream on '\n' (a trailing '\r' is kept: the decoder treats it as whitespace after the object). */
    static void readLines(InputStream in, LineSink sink, LongSupplier lines, Progress progress) throws IOException {
        byte[] buf = new byte[1 << 20];
        int start = 0;
        int end = 0;
        long consumed = 0;
        while (true) {
            int n = in.read(buf, end, buf.length - end);
            if (n < 0) {
                break;
            }
            end += n;
            int i = start;
            while (i < end) {
                if (buf[i] == '\n') {
                    if (i > start) {
                        sink.line(buf, start, i - start);
                    }
                    consumed += i + 1 - start;
                    start = i + 1;
                }
                i++;
            }
            progress.update(consumed, lines.getAsLong());
            if (start == 0 && end == buf.length) {
                buf = Arrays.copyOf(buf, buf.length * 2); // a line longer than the buffer (rejected as TOO_LARGE)
            } else {
                System.arraycopy(buf, start, buf, 0, end - start);
                end -= start;
                start = 0;
            }
        }
        if (end > start) {
            sink.line(buf, start, end - start);
        }
        progress.done(lines.getAsLong());
    }

    /** Takes one line (without its newline) of the file. */
    @FunctionalInterface
    interface LineSink {
        void line(byte[] buffer, int offset, int length);
    }

    private static void write(BufferedWriter out, String line) {
        try {
            out.write(line);
            out.write('\n');
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[i];
    }

    static long parseTime(String text) {
        try {
            return text.chars().allMatch(Character::isDigit) ? Long.parseLong(text) : Instant.parse(text).toEpochMilli();
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("--now: not an ISO-8601 instant or epoch millis: " + text);
        }
    }

    /** A progress line on stderr at most every 2 s, for long files. */
    static final class Progress {
        private final PrintStream err;
        private final long totalBytes;
        private final boolean terminal = System.console() != null;
        private long lastNanos = System.nanoTime();
        private boolean shown;

        Progress(PrintStream err, long totalBytes) {
            this.err = err;
            this.totalBytes = totalBytes;
        }

        void update(long bytes, long lines) {
            long now = System.nanoTime();
            if (now - lastNanos < 2_000_000_000L) {
                return;
            }
            lastNanos = now;
            shown = true;
            String line = String.format("replay: %,d lines, %d%% of %,d MB", lines,
                    totalBytes == 0 ? 100 : bytes * 100 / totalBytes, totalBytes >> 20);
            if (terminal) {
                err.print('\r' + line);
            } else {
                err.println(line);
            }
        }

        void done(long lines) {
            if (shown && terminal) {
                err.println();
            }
        }
    }
}
