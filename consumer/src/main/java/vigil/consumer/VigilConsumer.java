package vigil.consumer;

import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import vigil.consumer.kcl.ConsumerRuntime;
import vigil.consumer.metrics.ConsumerMeters;
import vigil.consumer.state.EffectsWriter;
import vigil.consumer.state.dynamodb.DynamoEffectsWriter;
import vigil.consumer.state.dynamodb.HistoryRecordingEffectsWriter;

/** A running consumer: clients, writer and KCL worker, wired from a {@link ConsumerConfig}. Wiring only. */
public final class VigilConsumer implements AutoCloseable {
    private final AwsClients clients;
    private final ConsumerRuntime runtime;
    private final ConsumerMeters meters;

    private VigilConsumer(AwsClients clients, ConsumerRuntime runtime, ConsumerMeters meters) {
        this.clients = clients;
        this.runtime = runtime;
        this.meters = meters;
    }

    public static VigilConsumer start(
            ConsumerConfig config, AwsCredentialsProvider credentials, MeterRegistry registry, Clock clock) {
        AwsClients clients = AwsClients.create(config, credentials);
        ConsumerMeters meters = new ConsumerMeters(registry);
        EffectsWriter writer = new HistoryRecordingEffectsWriter(
                new DynamoEffectsWriter(clients.dynamo(), config.tablePrefix(), config.quarantineTtl(), meters),
                clients.dynamo(),
                config.tablePrefix());
        ConsumerRuntime runtime = ConsumerRuntime.start(
                config, clients.kinesis(), clients.dynamo(), clients.cloudWatch(), writer, meters, clock);
        return new VigilConsumer(clients, runtime, meters);
    }

    public ConsumerMeters meters() {
        return meters;
    }

    @Override
    public void close() {
        runtime.close();
        clients.close();
    }
}
