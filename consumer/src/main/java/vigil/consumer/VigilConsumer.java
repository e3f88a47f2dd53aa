package vigil.consumer;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import vigil.consumer.health.ConsumerHealth;
import vigil.consumer.health.DynamoReachability;
import vigil.consumer.kcl.ConsumerRuntime;
import vigil.consumer.kcl.HashRangeLookup;
import vigil.consumer.kcl.ShardServices;
import vigil.consumer.metrics.ConsumerMeters;
import vigil.consumer.metrics.MeteredEffectsWriter;
import vigil.consumer.metrics.MetricsServer;
import vigil.consumer.rules.SettingsCache;
import vigil.consumer.state.EffectsWriter;
import vigil.consumer.state.dynamodb.DynamoAcknowledgementFeed;
import vigil.consumer.state.dynamodb.DynamoEffectsWriter;
import vigil.consumer.state.dynamodb.DynamoSettingsFeed;
import vigil.consumer.recovery.dynamodb.DynamoRecoveryStore;
import vigil.consumer.state.dynamodb.HistoryRecordingEffectsWriter;
import vigil.schema.Tables;

/**
 * A running consumer: clients, writer, settings side input, KCL worker, and (optionally) the metrics and health
 * port, wired from a {@link ConsumerConfig}. Wiring only.
 */
public final class VigilConsumer implements AutoCloseable {
    private final AwsClients clients;
    private final ConsumerRuntime runtime;
    private final ConsumerMeters meters;
    private final DynamoSettingsFeed settingsFeed;
    private final DynamoAcknowledgementFeed acknowledgementFeed;
    private final ConsumerHealth health;
    private final MetricsServer metricsServer; // null when off

    private VigilConsumer(AwsClients clients, ConsumerRuntime runtime, ConsumerMeters meters,
            DynamoSettingsFeed settingsFeed, DynamoAcknowledgementFeed acknowledgementFeed, ConsumerHealth health,
            MetricsServer metricsServer) {
        this.clients = clients;
        this.runtime = runtime;
        this.meters = meters;
        this.settingsFeed = settingsFeed;
        this.acknowledgementFeed = acknowledgementFeed;
        this.health = health;
        this.metricsServer = metricsServer;
    }

    public static VigilConsumer start(
            ConsumerConfig config, AwsCredentialsProvider credentials, MeterRegistry registry, Clock clock) {
        return start(config, ConsumerOptions.none(), credentials, registry, clock);
    }

    /**
     * Starts the worker and, when {@code options} enable it, the metrics and health port; {@code registry} must then
     * be a {@link PrometheusMeterRegistry}.
     */
    public static VigilConsumer start(ConsumerConfig config, ConsumerOptions options,
            AwsCredentialsProvider credentials, MeterRegistry registry, Clock clock) {
        if (options.metricsEnabled() && !(registry instanceof PrometheusMeterRegistry)) {
            throw new IllegalArgumentException("a metrics port needs a PrometheusMeterRegistry");
        }
        AwsClients clients = AwsClients.create(config, credentials);
        ConsumerMeters meters = new ConsumerMeters(registry);
        EffectsWriter writer = new MeteredEffectsWriter(
                new HistoryRecordingEffectsWriter(
                        new DynamoEffectsWriter(clients.dynamo(), config.tablePrefix(), config.quarantineTtl(),
                                meters),
                        clients.dynamo(),
                        config.tablePrefix(),
                        meters),
                meters);
        SettingsCache settings = new SettingsCache();
        DynamoSettingsFeed settingsFeed = new DynamoSettingsFeed(clients.dynamo(), config.tablePrefix(), settings,
                DynamoSettingsFeed.POLL_INTERVAL);
        settingsFeed.start();
        DynamoAcknowledgementFeed acknowledgementFeed = new DynamoAcknowledgementFeed(clients.dynamo(),
                config.tablePrefix(), DynamoSettingsFeed.POLL_INTERVAL);
        acknowledgementFeed.start();
        ShardServices services = new ShardServices(
                new DynamoRecoveryStore(clients.dynamo(), config.tablePrefix()),
                new HashRangeLookup(clients.kinesis(), config.streamName()),
                settings,
                config.stateFlushInterval().toMillis(),
                options.journalInterval().toMillis(),
                acknowledgementFeed);
        ConsumerRuntime runtime = ConsumerRuntime.start(config, clients.kinesis(), clients.dynamo(),
                clients.cloudWatch(), writer, services, meters, clock, options.flushEveryRecord());
        ConsumerHealth health = new ConsumerHealth(runtime::isRunning, meters::leasesHeld,
                new DynamoReachability(clients.dynamo(), Tables.DEVICE_STATE.nameWith(config.tablePrefix()),
                        Duration.ofSeconds(5), Duration.ofSeconds(2), System::nanoTime));
        MetricsServer server = null;
        if (options.metricsEnabled()) {
            try {
                server = MetricsServer.start(options.metricsHost(), options.metricsPort(),
                        ((PrometheusMeterRegistry) registry)::scrape, health, meters.stateLatency());
            } catch (RuntimeException e) {
                runtime.close();
                settingsFeed.close();
                acknowledgementFeed.close();
                clients.close();
                throw e;
            }
        }
        return new VigilConsumer(clients, runtime, meters, settingsFeed, acknowledgementFeed, health, server);
    }

    public ConsumerHealth health() {
        return health;
    }

    /** The metrics and health port, or -1 when off. */
    public int metricsPort() {
        return metricsServer == null ? -1 : metricsServer.port();
    }

    public ConsumerMeters meters() {
        return meters;
    }

    @Override
    public void close() {
        if (metricsServer != null) {
            metricsServer.close();
        }
        runtime.close();
        settingsFeed.close();
        acknowledgementFeed.close();
        clients.close();
    }
}
