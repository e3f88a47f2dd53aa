package vigil.consumer.replay;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import vigil.consumer.rules.SettingsSource;
import vigil.consumer.rules.StreamGenerator;
import vigil.telemetry.TelemetryEncoder;
import vigil.telemetry.TelemetryRecord;

/**
 * Replaying any prefix twice (what KCL does after a failover: records after the last checkpoint come again) changes
 * nothing: the same transitions, in the same order, and the duplicates counted.
 */
class ReplayIdempotenceTest {
    private static final List<byte[]> LINES = encode(StreamGenerator.stream(7, 60));

    private static List<byte[]> encode(List<TelemetryRecord> records) {
        TelemetryEncoder encoder = new TelemetryEncoder();
        List<byte[]> lines = new ArrayList<>();
        for (TelemetryRecord r : records) {
            lines.add(encoder.encode(r));
        }
        return lines;
    }

    @Property(tries = 25, seed = "11")
    void replayingAnyPrefixTwiceChangesNothing(@ForAll @IntRange(min = 0, max = 1000) int prefixPermille) {
        int prefix = LINES.size() * prefixPermille / 1000;
        List<String> once = new ArrayList<>();
        Replay a = new Replay(SettingsSource.NONE, t -> once.add(AlertJson.toJson(t)));
        LINES.forEach(l -> a.line(l, 0, l.length));
        a.finish(null);

        List<String> twice = new ArrayList<>();
        Replay b = new Replay(SettingsSource.NONE, t -> twice.add(AlertJson.toJson(t)));
        LINES.subList(0, prefix).forEach(l -> b.line(l, 0, l.length));
        LINES.forEach(l -> b.line(l, 0, l.length));
        b.finish(null);

        assertThat(once).as("the stream raises alerts").isNotEmpty();
        assertThat(twice).as("prefix %d of %d", prefix, LINES.size()).isEqualTo(once);
        assertThat(b.count("vigil.records.duplicate")).isEqualTo(prefix);
        assertThat(b.count("vigil.records.accepted")).isEqualTo(a.count("vigil.records.accepted"));
    }
}
