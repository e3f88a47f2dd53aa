package vigil.consumer.replay;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import vigil.consumer.rules.SettingsSource;

/**
 * The two report modes of {@code vigil replay}: {@code --report} (the alarm burden report instead of the
 * transitions) and {@code --compare} (the what-if of two settings files in one pass). Report text on stdout,
 * progress and summaries on stderr, as {@link ReplayMain}.
 */
final class WhatIfRun {
    private WhatIfRun() {}

    /** {@code --report}: one replay, then the burden report over the file's ts range. */
    static int report(Path file, SettingsSource settings, Long nowMillis, PrintStream stdout, PrintStream stderr)
            throws IOException {
        BurdenCollector alerts = new BurdenCollector();
        FileSpan span = new FileSpan();
        Replay replay = new Replay(settings, alerts);
        long started = System.nanoTime();
        try (InputStream in = Files.newInputStream(file)) {
            ReplayMain.readLines(in, (b, off, len) -> {
                span.line(b, off, len);
                replay.line(b, off, len);
            }, replay::lines, new ReplayMain.Progress(stderr, Files.size(file)));
        }
        replay.finish(nowMillis);
        printTime(stderr, replay.lines(), started);
        stderr.print(replay.summary());
        if (span.isEmpty()) {
            stdout.println("no records with a ts: no report");
            return 0;
        }
        BurdenText.print(alerts.report(span.fromMillis(), span.toMillis(nowMillis), replay.devicesInScope()), stdout);
        return 0;
    }

    /** {@code --compare}: both settings in one pass, then the comparison (and both reports with --report). */
    static int run(Path file, SettingsSource a, String nameA, SettingsSource b, String nameB, Long nowMillis,
            boolean withReports, PrintStream stdout, PrintStream stderr) throws IOException {
        WhatIf whatIf = new WhatIf(a, b);
        long started = System.nanoTime();
        long lines;
        try (InputStream in = Files.newInputStream(file)) {
            lines = ParallelFeed.feed(in, List.of(whatIf::lineA, whatIf::lineB),
                    new ReplayMain.Progress(stderr, Files.size(file)));
        }
        whatIf.finish(nowMillis);
        printTime(stderr, lines, started);
        stderr.print("A: " + whatIf.summaryA());
        stderr.print("B: " + whatIf.summaryB());
        WhatIf.Result result = whatIf.result(nowMillis);
        if (result == null) {
            stdout.println("no records with a ts: nothing to compare");
            return 0;
        }
        result.print(stdout, nameA, nameB);
        if (withReports) {
            stdout.println();
            stdout.println("Under A (" + nameA + "):");
            BurdenText.print(result.reportA(), stdout);
            stdout.println();
            stdout.println("Under B (" + nameB + "):");
            BurdenText.print(result.reportB(), stdout);
        }
        return 0;
    }

    private static void printTime(PrintStream stderr, long lines, long startedNanos) {
        double seconds = (System.nanoTime() - startedNanos) / 1e9;
        stderr.printf("replay: %d lines in %.1f s (%.0f lines/s)%n", lines, seconds, lines / Math.max(seconds, 1e-9));
    }
}
