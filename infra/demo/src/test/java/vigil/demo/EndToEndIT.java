package vigil.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import vigil.infra.local.LocalAws;
import vigil.infra.local.LocalAwsConfig;

/**
 * The whole pipeline on the local emulators: 100 devices, 10,000 records, read back through the API; once with plain
 * Kinesis records and once with the simulator's KPL aggregation.
 */
class EndToEndIT {

    @Test
    void shouldShowEveryDevicesLastSentSeqThroughTheApi() throws Exception {
        long kinesalitePid;
        try (LocalAws aws = LocalAws.start(LocalAwsConfig.defaults())) {
            kinesalitePid = aws.kinesalitePid();
            EndToEndScenario.Stack stack = new EndToEndScenario.Stack(aws.kinesisEndpoint(), aws.dynamoDbEndpoint(),
                    aws.streamName(), aws.tablePrefix(), aws.kinesisClient(), aws.dynamoDbClient(),
                    LocalAws.credentials());
            EndToEndScenario.Figures figures =
                    EndToEndScenario.run(stack, 60, 40, 10_000, 1_000, Duration.ofSeconds(240), false);
            EndToEndScenario.print("kinesalite + DynamoDB Local", figures);
        }
        // No orphan: the emulator process is gone once the stack is closed.
        ProcessHandle.of(kinesalitePid).ifPresent(p -> p.onExit().orTimeout(10, TimeUnit.SECONDS).join());
        assertThat(ProcessHandle.of(kinesalitePid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
    }

    @Test
    void shouldDeliverEveryUserRecordOnceThroughKclWhenTheSimulatorAggregates() throws Exception {
        try (LocalAws aws = LocalAws.start(LocalAwsConfig.defaults())) {
            EndToEndScenario.Stack stack = new EndToEndScenario.Stack(aws.kinesisEndpoint(), aws.dynamoDbEndpoint(),
                    aws.streamName(), aws.tablePrefix(), aws.kinesisClient(), aws.dynamoDbClient(),
                    LocalAws.credentials());
            EndToEndScenario.Figures figures =
                    EndToEndScenario.run(stack, 60, 40, 10_000, 2_000, Duration.ofSeconds(240), true);
            EndToEndScenario.print("kinesalite + DynamoDB Local, KPL-aggregated", figures);
        }
    }
}
