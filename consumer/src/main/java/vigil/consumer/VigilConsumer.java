package vigil.consumer;

import java.time.Duration;
import vigil.consumer.kcl.HashRangeLookup;
import vigil.consumer.kcl.ShardServices;
import vigil.consumer.rules.SettingsCache;
import vigil.consumer.state.dynamodb.DynamoAcknowledgementSource;
import vigil.consumer.state.dynamodb.DynamoSettingsPoller;
import vigil.consumer.state.dynamodb.DynamoSnapshotStore;

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

    /** Settings side input: a change reaches the rules within this plus one KCL poll (api-v1: within 10 s). */
    static final Duration SETTINGS_POLL_INTERVAL = Duration.ofSeconds(2);

    private final DynamoSettingsPoller poller;

    private VigilConsumer(AwsClients clients, ConsumerRuntime runtime, ConsumerMeters meters,
            DynamoSettingsPoller poller) {
        this.poller = poller;
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
        SettingsCache settings = new SettingsCache();
        DynamoSettingsPoller poller = new DynamoSettingsPoller(clients.dynamo(), config.tablePrefix(), settings);
        poller.start(SETTINGS_POLL_INTERVAL);
        ShardServices services = new ShardServices(
                new DynamoSnapshotStore(clients.dynamo(), config.tablePrefix()),
                new HashRangeLookup(clients.kinesis(), config.streamName()),
                settings,
                config.stateFlushInterval().toMillis(),
                new DynamoAcknowledgementSource(clients.dynamo(), config.tablePrefix()));
        ConsumerRuntime runtime = ConsumerRuntime.start(
                config, clients.kinesis(), clients.dynamo(), clients.cloudWatch(), writer, services, meters, clock);
        return new VigilConsumer(clients, runtime, meters, poller);
    }

    public ConsumerMeters meters() {
        return meters;
    }

    @Override
    public void close() {
        runtime.close();
        poller.close();
        clients.close();
    }
}
