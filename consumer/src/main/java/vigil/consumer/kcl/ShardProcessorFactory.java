package vigil.consumer.kcl;

import java.time.Clock;
import software.amazon.kinesis.processor.ShardRecordProcessor;
import software.amazon.kinesis.processor.ShardRecordProcessorFactory;
import vigil.consumer.metrics.ConsumerMeters;
import vigil.consumer.state.EffectsWriter;

/** Creates one {@link ShardProcessor} per shard lease, sharing the worker's writer, meters, clock and services. */
public final class ShardProcessorFactory implements ShardRecordProcessorFactory {
    private final Clock clock;
    private final ConsumerMeters meters;
    private final EffectsWriter writer;
    private final ShardServices services;
    private final boolean flushEveryRecord;

    public ShardProcessorFactory(Clock clock, ConsumerMeters meters, EffectsWriter writer, ShardServices services) {
        this(clock, meters, writer, services, false);
    }

    /**
     * @param flushEveryRecord benchmark comparison mode: one durable write per record instead of coalesced writes
     */
    public ShardProcessorFactory(Clock clock, ConsumerMeters meters, EffectsWriter writer, ShardServices services,
            boolean flushEveryRecord) {
        this.clock = clock;
        this.meters = meters;
        this.writer = writer;
        this.services = services;
        this.flushEveryRecord = flushEveryRecord;
    }

    @Override
    public ShardRecordProcessor shardRecordProcessor() {
        return new ShardProcessor(clock, meters, writer, services, flushEveryRecord);
    }
}
