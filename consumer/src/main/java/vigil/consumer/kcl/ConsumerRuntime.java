package vigil.consumer.kcl;

import java.time.Clock;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.cloudwatch.CloudWatchAsyncClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.kinesis.common.ConfigsBuilder;
import software.amazon.kinesis.common.InitialPositionInStream;
import software.amazon.kinesis.common.InitialPositionInStreamExtended;
import software.amazon.kinesis.coordinator.Scheduler;
import software.amazon.kinesis.leases.LeaseAssignmentStrategy;
import software.amazon.kinesis.leases.LeaseManagementConfig;
import software.amazon.kinesis.metrics.NullMetricsFactory;
import software.amazon.kinesis.processor.SingleStreamTracker;
import software.amazon.kinesis.retrieval.fanout.FanOutConfig;
import software.amazon.kinesis.retrieval.polling.PollingConfig;
import vigil.consumer.ConsumerConfig;
import vigil.consumer.metrics.ConsumerMeters;
import vigil.consumer.state.EffectsWriter;

/**
 * One KCL worker: a {@link Scheduler} with polling retrieval and a {@link ShardProcessor} per leased shard, run on
 * its own thread. Scale-out is KCL's: start more of these (more processes) and KCL balances the leases.
 */
public final class ConsumerRuntime implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ConsumerRuntime.class);
    private static final long SHUTDOWN_TIMEOUT_SECONDS = 20;

    private final Scheduler scheduler;
    private final Thread thread;

    private ConsumerRuntime(Scheduler scheduler) {
        this.scheduler = scheduler;
        this.thread = new Thread(scheduler, "kcl-scheduler");
        this.thread.setDaemon(true);
    }

    /**
     * Builds and starts the worker.
     *
     * @param cloudWatch required by KCL's builder even though metrics go to a {@link NullMetricsFactory}: KCL's own
     *     CloudWatch metrics are off; Vigil's metrics are Micrometer's
     */
    public static ConsumerRuntime start(
            ConsumerConfig config,
            KinesisAsyncClient kinesis,
            DynamoDbAsyncClient dynamo,
            CloudWatchAsyncClient cloudWatch,
            EffectsWriter writer,
            ShardServices services,
            ConsumerMeters meters,
            Clock clock) {
        return start(config, kinesis, dynamo, cloudWatch, writer, services, meters, clock, false);
    }

    /**
     * As {@link #start(ConsumerConfig, KinesisAsyncClient, DynamoDbAsyncClient, CloudWatchAsyncClient, EffectsWriter,
     * ShardServices, ConsumerMeters, Clock)}, optionally in the benchmark's comparison mode.
     *
     * @param flushEveryRecord make effects durable after every record (one state write per record) instead of once
     *     per batch; for comparisons only
     */
    public static ConsumerRuntime start(
            ConsumerConfig config,
            KinesisAsyncClient kinesis,
            DynamoDbAsyncClient dynamo,
            CloudWatchAsyncClient cloudWatch,
            EffectsWriter writer,
            ShardServices services,
            ConsumerMeters meters,
            Clock clock,
            boolean flushEveryRecord) {
        InitialPositionInStreamExtended position = InitialPositionInStreamExtended.newInitialPosition(
                InitialPositionInStream.valueOf(config.initialPosition()));
        ConfigsBuilder configs = new ConfigsBuilder(
                new SingleStreamTracker(config.streamName(), position),
                config.applicationName(),
                kinesis,
                dynamo,
                cloudWatch,
                config.workerId(),
                new ShardProcessorFactory(clock, meters, writer, services, flushEveryRecord));
        PollingConfig polling = new PollingConfig(config.streamName(), kinesis)
                .idleTimeBetweenReadsInMillis(config.pollInterval().toMillis())
                .maxRecords(config.maxRecordsPerPoll());
        if (config.pollInterval().toMillis() < PollingConfig.MIN_IDLE_MILLIS_BETWEEN_READS) {
            // KCL clamps the idle time to 200 ms; its sleep comes from the controller, which can go lower.
            polling.sleepTimeController(new FixedIntervalSleepTimeController(config.pollInterval().toMillis(), clock));
        }
        LeaseManagementConfig leases = configs.leaseManagementConfig()
                .failoverTimeMillis(config.failoverTime().toMillis())
                .shardSyncIntervalMillis(Math.max(10_000, config.failoverTime().toMillis()));
        // Worker-utilization metrics need CloudWatch-like reporting we do not use; lease balancing still works.
        leases.workerUtilizationAwareAssignmentConfig().disableWorkerMetrics(true);
        ConsumerConfig.LeaseTuning tuning = config.leaseTuning();
        if (tuning.countBasedAssignment()) {
            leases.leaseAssignmentStrategy(LeaseAssignmentStrategy.LEASE_COUNT_BASED);
        }
        if (tuning.assignmentInterval() != null) {
            leases.leaseAssignmentIntervalMillis(tuning.assignmentInterval().toMillis());
        }
        if (tuning.workerReportInterval() != null) {
            long reportMillis = tuning.workerReportInterval().toMillis();
            leases.workerUtilizationAwareAssignmentConfig()
                    .workerMetricsReporterFreqInMillis(reportMillis)
                    .inMemoryWorkerMetricsCaptureFrequencyMillis(Math.max(100, Math.min(1_000, reportMillis / 2)));
        }
        if (tuning.leaderLeaseDuration() != null) {
            // KCL requires the lock's heartbeat to be at most half its lease (defaults: 120 s lease, 30 s heartbeat).
            long leaseMillis = tuning.leaderLeaseDuration().toMillis();
            leases.dynamoDbLockBasedLeaderLeaseDurationInMillis(leaseMillis)
                    .dynamoDbLockBasedLeaderHeartbeatPeriodInMillis(Math.max(200, leaseMillis / 3));
        }
        Scheduler scheduler = new Scheduler(
                configs.checkpointConfig(),
                configs.coordinatorConfig().shardConsumerDispatchPollIntervalMillis(200),
                leases,
                configs.lifecycleConfig(),
                configs.metricsConfig().metricsFactory(new NullMetricsFactory()),
                // Empty batches too: time-based rules (DEVICE_OFFLINE) must run while a shard is quiet.
                configs.processorConfig().callProcessRecordsEvenForEmptyRecordList(true),
                configs.retrievalConfig().retrievalSpecificConfig(
                        config.retrieval() == ConsumerConfig.Retrieval.FANOUT
                                // Enhanced fan-out: records pushed over SubscribeToShard (real Kinesis only; the
                                // config refuses it with an emulator endpoint). docs/observability.md.
                                ? new FanOutConfig(kinesis).streamName(config.streamName())
                                        .applicationName(config.applicationName())
                                : polling));
        ConsumerRuntime runtime = new ConsumerRuntime(scheduler);
        runtime.thread.start();
        LOG.info("KCL worker {} started on stream {} (application {})", config.workerId(), config.streamName(),
                config.applicationName());
        return runtime;
    }

    /** True while the scheduler thread runs (liveness). */
    public boolean isRunning() {
        return thread.isAlive();
    }

    /** Graceful shutdown: processors checkpoint what is durable and give up their leases. */
    @Override
    public void close() {
        try {
            Future<Boolean> done = scheduler.startGracefulShutdown();
            if (!done.get(SHUTDOWN_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                LOG.warn("graceful shutdown did not complete; shutting down");
                scheduler.shutdown();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            scheduler.shutdown();
        } catch (Exception e) { // ExecutionException, TimeoutException: fall back to a hard stop
            LOG.warn("graceful shutdown failed ({}); shutting down", e.toString());
            scheduler.shutdown();
        }
    }
}
