package vigil.consumer.kcl;

import java.time.Clock;
import software.amazon.kinesis.processor.ShardRecordProcessor;
import software.amazon.kinesis.processor.ShardRecordProcessorFactory;
import vigil.consumer.metrics.ConsumerMeters;
import vigil.consumer.state.EffectsWriter;

/** Creates one {@link ShardProcessor} per shard lease, sharing the worker's writer, meters and clock. */
public final class ShardProcessorFactory implements ShardRecordProcessorFactory {
    private final Clock clock;
    private final ConsumerMeters meters;
    private final EffectsWriter writer;
    private final boolean flushEveryRecord;

    public ShardProcessorFactory(Clock clock, ConsumerMeters meters, EffectsWriter writer) {
        this(clock, meters, writer, false);
    }

    /**
     * @param flushEveryRecord benchmark comparison mode: one durable write per record instead of one per batch
     */
    public ShardProcessorFactory(Clock clock, ConsumerMeters meters, EffectsWriter writer, boolean flushEveryRecord) {
        this.clock = clock;
        this.meters = meters;
        this.writer = writer;
        this.flushEveryRecord = flushEveryRecord;
    }

    @Override
    public ShardRecordProcessor shardRecordProcessor() {
        return new ShardProcessor(clock, meters, writer, flushEveryRecord);
    }
}
