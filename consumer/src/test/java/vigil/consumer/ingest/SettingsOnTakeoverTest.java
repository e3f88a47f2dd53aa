package vigil.consumer.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import vigil.consumer.device.DeviceSnapshot;
import vigil.consumer.metrics.ConsumerMeters;
import vigil.consumer.recovery.ChunkEncoder;
import vigil.consumer.recovery.JournalChain;
import vigil.consumer.recovery.RecoveryBuffer;
import vigil.consumer.recovery.RecoveryChunk;
import vigil.consumer.replay.ReplayClock;
import vigil.consumer.rules.DeviceSettings;
import vigil.consumer.rules.Records;
import vigil.consumer.rules.SettingsCache;
import vigil.telemetry.TelemetryEncoder;
import vigil.telemetry.TelemetryRecord;

/**
 * A shard's new owner re-applies a device's settings document only when the journal does not show the previous
 * owner had applied that version: at takeover, devices whose document did not change are not rewritten (one write
 * unit each, and most of a large shard's takeover time on DynamoDB Local), devices whose document changed meanwhile
 * are, and a journal of format 3 (which does not record the version) keeps the old behaviour.
 */
class SettingsOnTakeoverTest {
    private static final String WITH_DOCUMENT = "PUMP-1";
    private static final String WITHOUT_DOCUMENT = "PUMP-2";
    private final TelemetryEncoder encoder = new TelemetryEncoder();
    private final ReplayClock clock = new ReplayClock();

    private static DeviceSettings document(long version, String careUnit) {
        return new DeviceSettings(version, careUnit, null, null, Map.of());
    }

    private ShardIngest ingest(SettingsCache cache) {
        return new ShardIngest("shard", clock, new ConsumerMeters(new SimpleMeterRegistry()), cache, 0);
    }

    /** The previous owner: both pumps for 30 s, PUMP-1's document applied, every change journaled and written. */
    private Map<String, List<RecoveryChunk>> previousOwner(SettingsCache cache) {
        ShardIngest ingest = ingest(cache);
        Map<String, List<RecoveryChunk>> chunks = new HashMap<>();
        long sequence = 0;
        for (int second = 0; second < 30; second++) {
            clock.set(Records.at(second));
            for (String id : List.of(WITH_DOCUMENT, WITHOUT_DOCUMENT)) {
                TelemetryRecord r = Records.running(id, second, second, 120, second * 120.0 / 3600, 5000);
                ingest.accept(ByteBuffer.wrap(encoder.encode(r)), Long.toString(++sequence), 0, r.tsMillis());
            }
            ingest.refreshSettings(cache);
            for (RecoveryChunk c : ingest.drainEffects(ShardIngest.StateWrites.ALL, true).recoveryChunks()) {
                chunks.computeIfAbsent(c.deviceId(), k -> new ArrayList<>()).add(c);
            }
        }
        return chunks;
    }

    /** The new owner's first drain after restoring every device and applying the side input: who is rewritten. */
    private List<String> rewrittenAtTakeover(Map<String, List<byte[]>> journals, SettingsCache cache)
            throws IOException {
        clock.set(Records.at(31));
        ShardIngest next = ingest(cache);
        for (List<byte[]> stored : journals.values()) {
            next.restore(JournalChain.select(stored));
        }
        next.refreshSettings(cache);
        return next.drainEffects(ShardIngest.StateWrites.ALL, false).deviceStates().stream()
                .map(DeviceSnapshot::deviceId).sorted().toList();
    }

    private static Map<String, List<byte[]>> stored(Map<String, List<RecoveryChunk>> chunks) {
        Map<String, List<byte[]>> out = new HashMap<>();
        chunks.forEach((id, list) -> out.put(id, list.stream().map(RecoveryChunk::bytes).toList()));
        return out;
    }

    private static SettingsCache cacheWith(DeviceSettings document) {
        SettingsCache cache = new SettingsCache();
        cache.replace(Map.of(WITH_DOCUMENT, document));
        return cache;
    }

    @Test
    void shouldNotRewriteDevicesWhoseDocumentThePreviousOwnerHadApplied() throws IOException {
        SettingsCache cache = cacheWith(document(3, "ICU-4A"));
        Map<String, List<RecoveryChunk>> chunks = previousOwner(cache);
        assertThat(chunks).containsOnlyKeys(WITH_DOCUMENT, WITHOUT_DOCUMENT);

        assertThat(rewrittenAtTakeover(stored(chunks), cache)).isEmpty();
    }

    @Test
    void shouldRewriteADeviceWhoseDocumentChangedDuringTheHandover() throws IOException {
        Map<String, List<RecoveryChunk>> chunks = previousOwner(cacheWith(document(3, "ICU-4A")));
        SettingsCache newer = cacheWith(document(4, "ICU-4B"));

        assertThat(rewrittenAtTakeover(stored(chunks), newer)).containsExactly(WITH_DOCUMENT);
    }

    @Test
    void shouldApplyALaterDocumentAfterATakeoverThatAppliedNone() throws IOException {
        SettingsCache cache = cacheWith(document(3, "ICU-4A"));
        Map<String, List<RecoveryChunk>> chunks = previousOwner(cache);
        clock.set(Records.at(31));
        ShardIngest next = ingest(cache);
        for (List<byte[]> stored : stored(chunks).values()) {
            next.restore(JournalChain.select(stored));
        }
        next.refreshSettings(cache);
        assertThat(next.drainEffects(ShardIngest.StateWrites.ALL, false).deviceStates()).isEmpty();

        cache.apply(Map.of(WITH_DOCUMENT, document(5, "ICU-4B")), Set.of());
        next.refreshSettings(cache);
        List<DeviceSnapshot> states = next.drainEffects(ShardIngest.StateWrites.ALL, false).deviceStates();
        assertThat(states).extracting(DeviceSnapshot::deviceId).containsExactly(WITH_DOCUMENT);
    }

    @Test
    void shouldReapplyEveryDocumentFromAJournalOfFormat3() throws IOException {
        SettingsCache cache = cacheWith(document(3, "ICU-4A"));
        Map<String, List<RecoveryChunk>> chunks = previousOwner(cache);
        Map<String, List<byte[]>> format3 = new HashMap<>();
        chunks.forEach((id, list) -> format3.put(id, list.stream().map(SettingsOnTakeoverTest::asFormat3).toList()));
        assertThat(RecoveryChunk.headOf(format3.get(WITH_DOCUMENT).get(0)).format()).isEqualTo(3);

        // The version is unknown, so the document is applied again (a state write); no document, nothing to apply.
        assertThat(rewrittenAtTakeover(format3, cache)).containsExactly(WITH_DOCUMENT);
    }

    /** The chunk as the previous version wrote it: format 3, the same body without the trailing settings version. */
    private static byte[] asFormat3(RecoveryChunk chunk) {
        try {
            byte[] body = ChunkEncoder.bodyOf(chunk.bytes()).readAllBytes();
            RecoveryChunk.Head head = RecoveryChunk.headOf(chunk.bytes());
            ChunkEncoder encoder = new ChunkEncoder();
            RecoveryBuffer out = encoder.body();
            out.write(Arrays.copyOf(body, body.length - Long.BYTES));
            byte[] bytes = encoder.finish(chunk.deviceId(), chunk.chunkSeq(), head.prevSeq(), chunk.base()).bytes();
            bytes[0] = 3;
            return bytes;
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
