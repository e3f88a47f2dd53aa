package vigil.consumer.recovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import vigil.consumer.device.DeviceLedger;
import vigil.consumer.device.DeviceSnapshot;
import vigil.consumer.ingest.ShardIngest;
import vigil.consumer.metrics.ConsumerMeters;
import vigil.consumer.replay.ReplayClock;
import vigil.consumer.rules.AlertEngine;
import vigil.consumer.rules.Records;
import vigil.consumer.rules.SettingsSource;
import vigil.telemetry.TelemetryEncoder;
import vigil.telemetry.TelemetryRecord;

/** The recovery journal's chunks, chains and the store's "never replace a newer chunk" rule. */
class RecoveryJournalTest {
    private final TelemetryEncoder encoder = new TelemetryEncoder();
    private final AlertEngine engine = new AlertEngine(SettingsSource.NONE);
    private final ChunkEncoder buffer = new ChunkEncoder();

    /** A ledger fed {@code count} records of one running pump at 1 s from {@code fromSeq}, chunk after each 20. */
    private List<RecoveryChunk> feed(DeviceLedger ledger, long fromSeq, int count) {
        List<RecoveryChunk> chunks = new ArrayList<>();
        for (long seq = fromSeq; seq < fromSeq + count; seq++) {
            TelemetryRecord r = Records.running("PUMP-1", seq, seq, 120, seq * 120.0 / 3600, 5000);
            ledger.offer(r, r.tsMillis());
            engine.onApplied(ledger.rules(), r, r.tsMillis());
            if ((seq + 1) % 20 == 0) {
                chunks.add(ledger.takeChunk(buffer));
            }
        }
        return chunks;
    }

    private static List<byte[]> bytes(List<RecoveryChunk> chunks) {
        return chunks.stream().map(RecoveryChunk::bytes).toList();
    }

    @Test
    void shouldWriteBaseFirstThenDeltasThenBaseAgainWithinMaxChain() throws IOException {
        DeviceLedger ledger = new DeviceLedger("PUMP-1", engine.track("PUMP-1"));
        List<RecoveryChunk> chunks = feed(ledger, 0, 20 * 45);
        assertThat(chunks.get(0).base()).isTrue();
        assertThat(chunks.get(1).base()).isFalse();
        int sinceBase = 0;
        int bases = 0;
        for (RecoveryChunk c : chunks) {
            sinceBase = c.base() ? 0 : sinceBase + 1;
            bases += c.base() ? 1 : 0;
            assertThat(sinceBase).isLessThan(RecoveryChunk.MAX_CHAIN);
        }
        assertThat(bases).isGreaterThanOrEqualTo(3);
        // A delta holds the 20 new samples (22 bytes each before compression) plus the bookkeeping and newest
        // record, compressed: with the item's keys it stays within one write unit (1 KB).
        RecoveryChunk delta = chunks.get(chunks.size() - 1).base() ? chunks.get(chunks.size() - 2)
                : chunks.get(chunks.size() - 1);
        System.out.printf("journal chunk bytes: delta %d, ", delta.bytes().length);
        assertThat(delta.bytes().length).isBetween(100, 1_024 - 150);
        // A base holds the whole 10-minute window: 600 samples, 13.2 KB before compression.
        RecoveryChunk base = chunks.stream().filter(RecoveryChunk::base).reduce((a, b) -> b).orElseThrow();
        System.out.printf("base %d%n", base.bytes().length);
        assertThat(base.bytes().length).isBetween(600 * 2, 600 * 22);
    }

    @Test
    void shouldRestoreTheSameLedgerFromTheChainAsTheOneThatWroteIt() throws IOException {
        DeviceLedger ledger = new DeviceLedger("PUMP-1", engine.track("PUMP-1"));
        List<RecoveryChunk> chunks = feed(ledger, 0, 20 * 30);
        DeviceSnapshot want = ledger.takeSnapshot(0);

        AlertEngine other = new AlertEngine(SettingsSource.NONE);
        DeviceLedger restored = DeviceLedger.restore(JournalChain.select(bytes(last(chunks, 32))), other);
        DeviceSnapshot got = restored.takeSnapshot(0);
        assertThat(got.lastSeq()).isEqualTo(want.lastSeq());
        assertThat(got.accepted()).isEqualTo(want.accepted());
        assertThat(got.newest()).isEqualTo(want.newest());
        assertThat(got.figures().flowErrorPct()).isCloseTo(want.figures().flowErrorPct(),
                org.assertj.core.data.Offset.offset(1e-9));
        assertThat(restored.rules().windowColumnBytes()).isEqualTo(ledger.rules().windowColumnBytes());
        // Redelivered records are duplicates: the dedupe window came back too.
        TelemetryRecord again = Records.running("PUMP-1", 599, 599, 120, 599 * 120.0 / 3600, 5000);
        assertThat(restored.offer(again, again.tsMillis())).isEqualTo(DeviceLedger.Outcome.DUPLICATE);
    }

    @Test
    void shouldKeepAPreviousOwnersLateChunksOutOfTheNewOwnersChain() throws IOException {
        DeviceLedger oldOwner = new DeviceLedger("PUMP-1", engine.track("PUMP-1"));
        ShardIngestSlots store = new ShardIngestSlots();
        feed(oldOwner, 0, 20 * 10).forEach(store::write);

        DeviceLedger newOwner = DeviceLedger.restore(JournalChain.select(store.stored()),
                new AlertEngine(SettingsSource.NONE));
        // The old owner has not noticed yet that it lost the lease: it writes one more chunk, before and after the
        // new owner's first. Neither order lets it into the chain a later restore picks.
        RecoveryChunk late = feed(oldOwner, 200, 20).get(0);
        store.write(late);
        newOwner.offer(Records.running("PUMP-1", 200, 200, 120, 200 * 120.0 / 3600, 5000), Records.at(200));
        RecoveryChunk next = newOwner.takeChunk(buffer);
        assertThat(next.chunkSeq()).isEqualTo(10 + RecoveryChunk.OWNER_JUMP);
        store.write(next);
        store.write(late);

        List<byte[]> chain = JournalChain.select(store.stored());
        assertThat(RecoveryChunk.headOf(chain.get(chain.size() - 1)).chunkSeq()).isEqualTo(next.chunkSeq());
        for (byte[] c : chain) {
            assertThat(RecoveryChunk.headOf(c).chunkSeq()).isNotEqualTo(late.chunkSeq());
        }
        DeviceLedger third = DeviceLedger.restore(chain, new AlertEngine(SettingsSource.NONE));
        assertThat(third.takeSnapshot(0).accepted()).isEqualTo(201);
    }

    @Test
    void shouldFallBackToTheNewestWholeChainWhenALinkIsMissing() throws IOException {
        DeviceLedger ledger = new DeviceLedger("PUMP-1", engine.track("PUMP-1"));
        List<RecoveryChunk> chunks = feed(ledger, 0, 20 * 5); // base + 4 deltas
        List<byte[]> stored = new ArrayList<>(bytes(chunks));
        stored.remove(3); // chunk 4 lost: 5 names a link that is not there
        List<byte[]> chain = JournalChain.select(stored);
        assertThat(chain).hasSize(3);
        assertThat(RecoveryChunk.headOf(chain.get(2)).chunkSeq()).isEqualTo(3);

        assertThatThrownBy(() -> JournalChain.select(List.of(chunks.get(2).bytes())))
                .isInstanceOf(IOException.class).hasMessageContaining("no whole journal chain");
    }

    @Test
    void shouldRefuseAChunkOfAnotherFormat() {
        byte[] chunk = new DeviceLedger("PUMP-1", engine.track("PUMP-1")).takeChunk(buffer).bytes();
        chunk[0] = 1; // the deflated snapshot format of earlier versions
        assertThatThrownBy(() -> JournalChain.select(List.of(chunk))).isInstanceOf(IOException.class)
                .hasMessageContaining("format 1");
    }

    @Test
    void shouldTrailTheDurablePositionBehindTheOldestUnjournaledChange() {
        ReplayClock clock = new ReplayClock();
        ShardIngest ingest = new ShardIngest("s", clock, new ConsumerMeters(new SimpleMeterRegistry()),
                SettingsSource.NONE, 20_000);
        for (int i = 0; i < 30; i++) { // two devices, one record each per second
            clock.set(Records.at(i));
            send(ingest, Records.running("PUMP-A", i, i, 120, i / 30.0, 5000), "a" + i);
            send(ingest, Records.running("PUMP-B", i, i, 120, i / 30.0, 5000), "b" + i);
            List<RecoveryChunk> chunks = ingest.drainEffects(true, false).recoveryChunks();
            ShardIngest.Position p = ingest.durablePosition();
            if (i < 20) {
                assertThat(chunks).as("second %d: nothing due yet", i).isEmpty();
                assertThat(p).as("nothing before the first change").isNull();
            } else {
                // Both devices were chunked at second 20 and changed again right after: the position is the
                // record before the oldest change since, PUMP-A's of second 21 being after b20.
                assertThat(p.sequenceNumber()).isEqualTo("b20");
            }
        }
        assertThat(ingest.drainEffects(true, true).recoveryChunks()).hasSize(2);
        assertThat(ingest.durablePosition().sequenceNumber()).isEqualTo("b29");
    }

    private void send(ShardIngest ingest, TelemetryRecord r, String position) {
        ingest.accept(ByteBuffer.wrap(encoder.encode(r)), position, 0, r.tsMillis());
    }

    private static <T> List<T> last(List<T> list, int n) {
        return list.subList(Math.max(0, list.size() - n), list.size());
    }

    /** One device's slots in the device-recovery table: a chunk never replaces a newer one. */
    private static final class ShardIngestSlots {
        private final RecoveryChunk[] slots = new RecoveryChunk[RecoveryChunk.SLOTS];

        void write(RecoveryChunk c) {
            int slot = (int) Math.floorMod(c.chunkSeq(), (long) RecoveryChunk.SLOTS);
            if (slots[slot] == null || slots[slot].chunkSeq() < c.chunkSeq()) {
                slots[slot] = c;
            }
        }

        List<byte[]> stored() {
            List<byte[]> out = new ArrayList<>();
            for (RecoveryChunk c : slots) {
                if (c != null) {
                    out.add(c.bytes());
                }
            }
            return out;
        }
    }
}
