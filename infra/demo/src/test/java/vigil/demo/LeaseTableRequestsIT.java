package vigil.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import vigil.consumer.ConsumerConfig;
import vigil.consumer.VigilConsumer;
import vigil.demo.bench.CountingHttpProxy;
import vigil.infra.local.LocalAws;
import vigil.infra.local.LocalAwsConfig;

/**
 * The figures of docs/consumer.md, "What the short lease settings cost": two workers with the consumer's default
 * lease settings share the 4 shards of an idle stream; a {@link CountingHttpProxy} between them and DynamoDB Local
 * counts every request by operation and table for {@value #MEASURE_SECONDS} s once both hold leases. No records are
 * sent, so what reaches the lease table is KCL's own traffic (renewals, discovery, assignment, leader lock, worker
 * reports). Logs {@code LEASE-REQUESTS:} per operation and table, per second. Not in CI (a measurement, about
 * 2 minutes): {@code -Dvigil.figures=true}.
 */
@EnabledIfSystemProperty(named = "vigil.figures", matches = "true")
class LeaseTableRequestsIT {
    private static final Logger LOG = LoggerFactory.getLogger(LeaseTableRequestsIT.class);
    private static final int MEASURE_SECONDS = 60;

    @Test
    void measureLeaseTableRequestsPerSecondOfTwoIdleWorkers() throws Exception {
        try (LocalAws aws = LocalAws.start(LocalAwsConfig.defaults());
                CountingHttpProxy proxy = new CountingHttpProxy(aws.dynamoDbEndpoint().getPort())) {
            ConsumerConfig config = ConsumerConfig.local(aws.kinesisEndpoint(), proxy.endpoint(), aws.streamName(),
                    aws.tablePrefix());
            SimpleMeterRegistry first = new SimpleMeterRegistry();
            SimpleMeterRegistry second = new SimpleMeterRegistry();
            // One after the other: two KCL 3.5.1 workers starting at the same moment on a fresh lease table raced on
            // the Migration3.0 item here, and the loser kept failing with "AssignmentMode is not initialized".
            try (VigilConsumer a = VigilConsumer.start(config.withWorkerId("worker-a"), LocalAws.credentials(), first,
                    Clock.systemUTC())) {
                assertThat(a.meters()).isNotNull();
                awaitLeases(first, new SimpleMeterRegistry(), 1);
                try (VigilConsumer b = VigilConsumer.start(config.withWorkerId("worker-b"), LocalAws.credentials(),
                        second, Clock.systemUTC())) {
                    assertThat(b.meters()).isNotNull();
                    awaitLeases(first, second, 2);
                    assertThat(leases(first) + leases(second)).as("both workers hold the 4 leases").isEqualTo(4);
                    Thread.sleep(10_000); // let the start-up's one-off requests (table checks, first takes) pass
                    Map<String, Long> before = proxy.counts();
                    long startNanos = System.nanoTime();
                    Thread.sleep(MEASURE_SECONDS * 1_000L);
                    Map<String, Long> after = proxy.counts();
                    double seconds = (System.nanoTime() - startNanos) / 1e9;
                    StringBuilder table = new StringBuilder();
                    Map<String, Long> delta = new TreeMap<>();
                    after.forEach((k, v) -> delta.put(k, v - before.getOrDefault(k, 0L)));
                    delta.forEach((k, v) -> table.append(String.format(Locale.ROOT, "%n| %s | %d | %.2f |", k, v,
                            v / seconds)));
                    LOG.info("LEASE-REQUESTS over {} s, 2 workers holding {} + {} leases, failover {} ms, {}"
                                    + " (operation table | requests | per second):{}", Math.round(seconds),
                            leases(first), leases(second), config.failoverTime().toMillis(), config.leaseTuning(),
                            table);
                    assertThat(delta).as("lease renewals were counted").isNotEmpty();
                }
            }
        }
    }

    /** Until the 4 leases are held: phase 1, by the first worker alone; phase 2, by both, each at least one. */
    private static void awaitLeases(SimpleMeterRegistry first, SimpleMeterRegistry second, int phase)
            throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
        while (System.nanoTime() < deadline) {
            int a = leases(first);
            int b = leases(second);
            if (a + b == 4 && (phase == 1 || (a > 0 && b > 0))) {
                return;
            }
            Thread.sleep(500);
        }
    }

    private static int leases(SimpleMeterRegistry registry) {
        var gauge = registry.find("vigil.shard.leases").gauge();
        return gauge == null ? 0 : (int) gauge.value();
    }
}
