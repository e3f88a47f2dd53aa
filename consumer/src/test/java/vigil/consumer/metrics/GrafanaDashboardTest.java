package vigil.consumer.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import vigil.consumer.rules.AlertStatus;
import vigil.consumer.rules.AlertTransition;
import vigil.consumer.rules.AlertType;
import vigil.consumer.rules.Change;
import vigil.consumer.rules.Priority;
import vigil.telemetry.DeviceType;
import vigil.telemetry.RejectReason;

/** Every consumer series the Grafana dashboard queries exists in a real scrape (names drift silently otherwise). */
class GrafanaDashboardTest {

    @Test
    void everyVigilSeriesInTheDashboardIsExposed() throws Exception {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        ConsumerMeters meters = new ConsumerMeters(registry);
        meters.shard("shardId-000").leaseAcquired(0);
        meters.checkpoint("ok");
        meters.rejected(RejectReason.values()[0]);
        meters.writeDuration(1_000_000);
        meters.writeFailed();
        meters.alertTransition(new AlertTransition("a1", "PUMP-1", DeviceType.INFUSION_PUMP, null,
                AlertType.BATTERY_DEPLETION, Priority.MEDIUM, Priority.MEDIUM, AlertStatus.ACTIVE, Change.RAISED, 0,
                0, null, null, null, "m", null, null, null, List.of()));
        Set<String> exposed = new TreeSet<>();
        for (String line : registry.scrape().split("\n")) {
            if (!line.startsWith("#") && !line.isBlank()) {
                exposed.add(line.split("[{ ]")[0]);
            }
        }

        String dashboard = Files.readString(Path.of("..", "docs", "grafana-vigil.json"));
        Set<String> queried = new TreeSet<>();
        Matcher m = Pattern.compile("vigil_[a-z_]+").matcher(dashboard);
        while (m.find()) {
            queried.add(m.group());
        }
        assertThat(queried).hasSizeGreaterThan(15);
        assertThat(exposed).containsAll(queried);
    }
}
