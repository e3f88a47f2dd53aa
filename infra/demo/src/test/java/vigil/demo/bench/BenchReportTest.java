package vigil.demo.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;
import static org.assertj.core.api.Assertions.within;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;

/** The bench's own code that is not measurement: report splicing, scrape parsing, SVG output, options. */
class BenchReportTest {

    @Test
    void spliceReplacesOnlyTheGeneratedBlockAndKeepsEverythingElse() {
        String doc = "# Benchmarks\n\n## Alert engine\nfigures\n";
        String first = Report.splice(doc, Report.BEGIN + "\nrun 1\n" + Report.END);
        assertThat(first).startsWith(doc).contains(Report.HEADING).contains("run 1");

        String edited = first + "\nHand-written reading of the run.\n";
        String second = Report.splice(edited, Report.BEGIN + "\nrun 2\n" + Report.END);
        assertThat(second).contains("## Alert engine\nfigures").contains("run 2").doesNotContain("run 1")
                .contains("Hand-written reading of the run.");
        assertThat(second.indexOf(Report.HEADING)).isEqualTo(second.lastIndexOf(Report.HEADING));
    }

    @Test
    void scrapeSumsCountersWhateverUnitSuffixPrometheusAppended() {
        Scrape s = new Scrape(String.join("\n",
                "# HELP vigil_records_in_records_total Telemetry user records",
                "# TYPE vigil_records_in_records_total counter",
                "vigil_records_in_records_total 1500.0",
                "vigil_records_invalid_total 7.0",
                "vigil_shard_leases 4.0",
                "jvm_memory_used_bytes{area=\"heap\",id=\"G1 Eden Space\"} 1.0E8",
                "jvm_memory_used_bytes{area=\"heap\",id=\"G1 Old Gen\"} 5.0E7",
                "jvm_memory_used_bytes{area=\"nonheap\",id=\"Metaspace\"} 9.0E7",
                "vigil_shard_millis_behind_latest_milliseconds{shard=\"shardId-0\"} 120.0",
                "vigil_shard_millis_behind_latest_milliseconds{shard=\"shardId-1\"} NaN",
                "vigil_shard_millis_behind_latest_milliseconds{shard=\"shardId-2\"} 340.0",
                ""));
        assertThat(s.counter("vigil_records_in")).isEqualTo(1500.0);
        assertThat(s.gauge("vigil_shard_leases")).isEqualTo(4.0);
        assertThat(s.sum("jvm_memory_used_bytes", "area=\"heap\"")).isEqualTo(1.5e8);
        assertThat(s.max("vigil_shard_millis_behind_latest_milliseconds")).isEqualTo(340.0);
        assertThat(s.counter("vigil_absent")).isZero();
    }

    @Test
    void chartIsWellFormedSvgWithOneLinePerSeries() throws Exception {
        String svg = SvgChart.lineChart("t <&>",
                new SvgChart.Axis("x", false, List.of()),
                new SvgChart.Axis("y", true, List.of()),
                List.of(new SvgChart.Series("a", "#000", false, List.of(new double[] {250, 300},
                                new double[] {1000, 5500})),
                        new SvgChart.Series("b", "#f00", true, List.of(new double[] {250, 0}, // 0: off a log axis
                                new double[] {1000, 9000}))));
        Document d = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
        assertThat(d.getDocumentElement().getTagName()).isEqualTo("svg");
        assertThat(d.getElementsByTagName("path").getLength()).isEqualTo(2);
        assertThat(d.getElementsByTagName("circle").getLength()).as("the 0 on a log axis is skipped").isEqualTo(3);
    }

    @Test
    void optionsParseAndRejectNonsense() {
        BenchOptions o = BenchOptions.parse(new String[] {"--rates", "100,200", "--configs", "ours,fast"});
        assertThat(o.rates()).containsExactly(100, 200);
        assertThat(o.configs()).containsExactly("ours", "fast");
        BenchOptions defaults = BenchOptions.parse(new String[0]);
        assertThat(defaults.rates()).containsExactly(100, 500);
        assertThat(defaults.devices()).isEqualTo(100);
        // steady state: a backlog covering the 10-minute window, at least 60 s measured per rate
        assertThat(defaults.primeSeconds()).isGreaterThanOrEqualTo(600);
        assertThat(defaults.measureSeconds()).isGreaterThanOrEqualTo(60);
        assertThat(BenchOptions.parse(new String[] {"--prime-timeout", "90"}).primeTimeoutSeconds()).isEqualTo(90);
        assertThatThrownBy(() -> BenchOptions.parse(new String[] {"--rates", "0"}))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> BenchOptions.parse(new String[] {"--configs", "lambda"}))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> BenchOptions.parse(new String[] {"--measure"}))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldComputeWriteUnitsPerAcceptedRecordByTableAndStateItemBytesFromTwoScrapes() throws Exception {
        Scrape before = new Scrape(fixture("scrape-before.txt"));
        Scrape after = new Scrape(fixture("scrape-after.txt"));
        double accepted = after.counter("vigil_records_accepted") - before.counter("vigil_records_accepted");

        WriteCost cost = WriteCost.between(before, after, accepted);

        // 12,000 accepted; units: state 1,200, alerts 12, quarantine 0, device-recovery 600 (a series new in the
        // interval), device-history none
        assertThat(accepted).isEqualTo(12_000.0);
        assertThat(cost.measured()).isTrue();
        assertThat(cost.unitsPerRecord()).isCloseTo(1_812.0 / 12_000, within(1e-12));
        assertThat(cost.unitsPerRecordByTable()).containsExactly(
                entry("device-state", 0.1), entry("alerts", 0.001), entry("quarantine", 0.0),
                entry("device-recovery", 0.05), entry("device-history", Double.NaN));
        // device-state: 1,080,000 bytes in 1,200 items
        assertThat(cost.stateItemBytesMean()).isEqualTo(900.0);
        assertThat(cost.stateItemBytesMax()).isEqualTo(912.0);
    }

    @Test
    void shouldReportNotAvailableWhenTheConsumerHasNoWriteUnitMeters() {
        Scrape before = new Scrape("vigil_records_accepted_total 100.0\nvigil_dynamodb_writes_state_total 90.0\n");
        Scrape after = new Scrape("vigil_records_accepted_total 700.0\nvigil_dynamodb_writes_state_total 300.0\n");

        WriteCost cost = WriteCost.between(before, after, 600);

        assertThat(cost.measured()).isFalse();
        assertThat(cost.unitsPerRecordByTable().values()).allMatch(v -> v.isNaN());
        assertThat(Report.orNa("%.2f", cost.unitsPerRecord())).isEqualTo("n/a");
        assertThat(Report.itemBytes(cost)).isEqualTo("n/a");
        assertThat(Report.unitsTable(List.of())).startsWith("| configuration | all tables | device-state");
    }

    @Test
    void scrapeTellsAnAbsentSeriesFromAZeroOneAndFiltersByLabel() {
        Scrape s = new Scrape(String.join("\n",
                "vigil_dynamodb_write_units_total{table=\"alerts\"} 0.0",
                "vigil_dynamodb_item_bytes_bytes_sum{table=\"device-state\"} 5000.0",
                "vigil_dynamodb_item_bytes_bytes_sum{table=\"alerts\"} 700.0",
                ""));
        assertThat(s.labelled("vigil_dynamodb_write_units", "_total", "table=\"alerts\"")).isZero();
        assertThat(s.labelled("vigil_dynamodb_write_units", "_total", "table=\"device-recovery\"")).isNaN();
        // a base unit between name and suffix is accepted, as for counters
        assertThat(s.labelled("vigil_dynamodb_item_bytes", "_sum", "table=\"device-state\"")).isEqualTo(5000.0);
        assertThat(s.labelled("vigil_dynamodb_item_bytes", "_sum", null)).isEqualTo(5700.0);
    }

    private static String fixture(String name) throws Exception {
        try (var in = BenchReportTest.class.getResourceAsStream("/bench/" + name)) {
            assertThat(in).as(name).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
