package vigil.demo;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.HdrHistogram.Histogram;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import vigil.sim.publish.RecordSink;
import vigil.sim.publish.SinkStats;

/**
 * Device → screen latency of the caregivers' page: from a record's device time ({@code ts}, the simulator's wall
 * clock when it made the record, the same clock the browser reads on this machine) to the moment the record's
 * device tile on the page first shows that record's {@code seq} or a later one (the consumer coalesces state
 * writes, so a record may reach the screen inside a newer one).
 *
 * <p>The page marks each tile with {@code data-last-seq} (and {@code data-last-ts}, {@code data-updated-at});
 * {@link #install} adds a {@code MutationObserver} on the ward that notes, per device, each new highest
 * {@code data-last-seq} with the browser's {@code Date.now()} at the DOM change (before the next paint, which adds at
 * most one frame). {@link SendLog} notes every record handed to Kinesis while recording. The split
 * arrival → screen (Kinesis arrival of each record the page showed, its {@code lastArrivalAt}, to that DOM change)
 * leaves the simulator's publisher out: it is the consumer, the state write, the event stream and the page.
 *
 * <p>Not thread-safe apart from {@link SendLog#submit}, which the simulator's driver thread calls.
 */
final class ScreenLatencyProbe {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Installs the observer; returns the browser time of installation in epoch ms. */
    static long install(WebDriver browser) {
        Object installedAtMillis = ((JavascriptExecutor) browser).executeScript("""
                const root = document.getElementById('units');
                const seen = window.__vigilScreen = { obs: {} };
                const note = (tile, now) => {
                  const id = tile.getAttribute('data-device-id');
                  const seqText = tile.getAttribute('data-last-seq');
                  if (!id || !seqText) return;
                  const seq = Number(seqText);
                  const arrival = Number(tile.getAttribute('data-last-arrival') || 0);
                  const list = seen.obs[id] || (seen.obs[id] = []);
                  if (!list.length || list[list.length - 1][0] < seq) list.push([seq, now, arrival]);
                };
                new MutationObserver((records) => {
                  const now = Date.now();
                  for (const r of records) {
                    if (r.type === 'attributes') {
                      if (r.target.classList.contains('tile')) note(r.target, now);
                      continue;
                    }
                    for (const n of r.addedNodes) {
                      if (n.nodeType !== 1) continue;
                      if (n.classList.contains('tile')) note(n, now);
                      else for (const t of n.querySelectorAll('.tile')) note(t, now);
                    }
                  }
                }).observe(root, { subtree: true, childList: true, attributes: true,
                  attributeFilter: ['data-last-seq'] });
                return Date.now();""");
        return ((Number) installedAtMillis).longValue();
    }

    /** Per device, the highest seq the page has shown since {@link #install}. */
    static Map<String, Long> shownSeqs(WebDriver browser) {
        String json = (String) ((JavascriptExecutor) browser).executeScript("""
                const out = {};
                for (const [id, list] of Object.entries(window.__vigilScreen.obs)) out[id] = list[list.length - 1][0];
                return JSON.stringify(out);""");
        return read(json, new TypeReference<Map<String, Long>>() {});
    }

    /**
     * Per device, {@code [seq, domChangeEpochMillis, kinesisArrivalEpochMillis]} in increasing seq: each record the
     * page showed, when, and when it had arrived in Kinesis (its {@code lastArrivalAt}; 0 when unknown).
     */
    static Map<String, List<long[]>> observations(WebDriver browser) {
        String json = (String) ((JavascriptExecutor) browser).executeScript(
                "return JSON.stringify(window.__vigilScreen.obs);");
        return read(json, new TypeReference<Map<String, List<long[]>>>() {});
    }

    private static <T> T read(String json, TypeReference<T> type) {
        try {
            return JSON.readValue(json, type);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Waits until every device's tile shows at least the last seq sent in {@code sent}; throws when one does not
     * within {@code timeout} (a lost change, not a slow one: the timeout is far above any latency seen).
     */
    static void awaitAllShown(WebDriver browser, List<SendLog.Sent> sent, Duration timeout)
            throws InterruptedException {
        Map<String, Long> lastSent = new HashMap<>();
        for (SendLog.Sent s : sent) {
            lastSent.merge(s.deviceId(), s.seq(), Math::max);
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<String, Long> behind = new HashMap<>(lastSent);
        while (System.nanoTime() < deadline) {
            Map<String, Long> shown = shownSeqs(browser);
            behind.entrySet().removeIf(e -> shown.getOrDefault(e.getKey(), -1L) >= e.getValue());
            if (behind.isEmpty()) {
                return;
            }
            Thread.sleep(250);
        }
        throw new AssertionError("changes never reached the screen within " + timeout.toSeconds() + " s: last seq"
                + " sent per device not shown " + behind);
    }

    /**
     * Latencies of every record in {@code sent}, in ms, with the records that never reached the screen.
     *
     * @param sent records sent after the observer was installed
     */
    static Result measure(List<SendLog.Sent> sent, Map<String, List<long[]>> observed) {
        Histogram latencyMillis = new Histogram(3_600_000L, 3);
        Histogram arrivalToScreenMillis = new Histogram(3_600_000L, 3);
        List<SendLog.Sent> missing = new ArrayList<>();
        long negative = 0;
        for (SendLog.Sent s : sent) {
            long[] first = firstAtOrAfter(observed.getOrDefault(s.deviceId(), List.of()), s.seq());
            if (first == null) {
                missing.add(s);
                continue;
            }
            if (first[0] == s.seq() && first[2] > 0) { // shown as itself, not inside a newer record
                arrivalToScreenMillis.recordValue(Math.max(0, first[1] - first[2]));
            }
            long millis = first[1] - s.tsMillis();
            if (millis < 0) {
                negative++; // cannot happen on one clock; counted so that a clock problem shows
                millis = 0;
            }
            latencyMillis.recordValue(millis);
        }
        return new Result(latencyMillis, arrivalToScreenMillis, missing, negative);
    }

    private static long[] firstAtOrAfter(List<long[]> seqAndMillis, long seq) {
        int lo = 0;
        int hi = seqAndMillis.size();
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (seqAndMillis.get(mid)[0] < seq) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo < seqAndMillis.size() ? seqAndMillis.get(lo) : null;
    }

    /** Device → screen latencies of one measurement. */
    record Result(Histogram latencyMillis, Histogram arrivalToScreenMillis, List<SendLog.Sent> missing,
            long negative) {
        String summary(String state) {
            return String.format(java.util.Locale.ROOT,
                    "[device->screen] %s: count %d, p50 %d ms, p95 %d ms, p99 %d ms, max %d ms, not shown %d,"
                            + " negative %d; arrival->screen of the %d records shown: p50 %d ms, p95 %d ms,"
                            + " p99 %d ms", state, latencyMillis.getTotalCount(),
                    latencyMillis.getValueAtPercentile(50), latencyMillis.getValueAtPercentile(95),
                    latencyMillis.getValueAtPercentile(99), latencyMillis.getMaxValue(), missing.size(), negative,
                    arrivalToScreenMillis.getTotalCount(), arrivalToScreenMillis.getValueAtPercentile(50),
                    arrivalToScreenMillis.getValueAtPercentile(95), arrivalToScreenMillis.getValueAtPercentile(99));
        }
    }

    /**
     * Passes every record on to its delegate and, while recording, notes the device id, seq and ts of each one
     * handed over (read from the record's JSON).
     */
    static final class SendLog implements RecordSink {
        record Sent(String deviceId, long seq, long tsMillis) {}

        private final RecordSink delegate;
        private final Queue<Sent> sent = new ConcurrentLinkedQueue<>();
        private volatile boolean recording;

        SendLog(RecordSink delegate) {
            this.delegate = delegate;
        }

        /** Starts noting records; earlier ones are forgotten. */
        void startRecording() {
            sent.clear();
            recording = true;
        }

        /** Stops noting records and returns those noted. */
        List<Sent> stopRecording() {
            recording = false;
            return List.copyOf(sent);
        }

        @Override
        public void submit(String partitionKey, byte[] data) throws InterruptedException {
            delegate.submit(partitionKey, data);
            if (recording) {
                try {
                    JsonNode r = JSON.readTree(data);
                    sent.add(new Sent(r.get("deviceId").asText(), r.get("seq").asLong(), r.get("ts").asLong()));
                } catch (IOException e) {
                    throw new UncheckedIOException("the simulator sent a record that is not JSON", e);
                }
            }
        }

        @Override
        public boolean flush(Duration timeout) throws InterruptedException {
            return delegate.flush(timeout);
        }

        @Override
        public SinkStats stats() {
            return delegate.stats();
        }

        @Override
        public void close() {
            delegate.close();
        }
    }
}
