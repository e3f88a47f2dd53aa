package vigil.demo.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
        assertThat(BenchOptions.parse(new String[0]).rates()).containsExactly(250, 1000, 2500, 5000);
        assertThatThrownBy(() -> BenchOptions.parse(new String[] {"--rates", "0"}))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> BenchOptions.parse(new String[] {"--configs", "lambda"}))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> BenchOptions.parse(new String[] {"--measure"}))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
