package vigil.consumer;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.ChildShard;
import software.amazon.awssdk.services.kinesis.model.GetRecordsRequest;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.GetShardIteratorRequest;
import software.amazon.awssdk.services.kinesis.model.GetShardIteratorResponse;
import software.amazon.awssdk.services.kinesis.model.ListShardsRequest;
import software.amazon.awssdk.services.kinesis.model.Shard;

/**
 * Local emulator only: fills in {@code ChildShards} of the last GetRecords response of a closed shard, which the
 * local Kinesis emulator (kinesalite) leaves out. KCL 3 treats a response with neither a next iterator nor child
 * shards as invalid and retries it forever, so without this the children of a split or merge would never be read
 * locally. Real Kinesis always sends them; {@link AwsClients} applies this only with a Kinesis endpoint override.
 *
 * <p>GetRecords requests carry only an opaque iterator, so the handler remembers which stream and shard each
 * iterator it handed out belongs to (an entry is removed when its iterator is used).
 *
 * <p><b>Threading contract.</b> Thread-safe: a concurrent map; the delegate client is thread-safe.
 */
final class EmulatorChildShards implements InvocationHandler {
    private record ShardRef(String streamName, String shardId) {}

    private final KinesisAsyncClient delegate;
    private final Map<String, ShardRef> shardOfIterator = new ConcurrentHashMap<>();

    private EmulatorChildShards(KinesisAsyncClient delegate) {
        this.delegate = delegate;
    }

    static KinesisAsyncClient wrap(KinesisAsyncClient delegate) {
        return (KinesisAsyncClient) Proxy.newProxyInstance(KinesisAsyncClient.class.getClassLoader(),
                new Class<?>[] {KinesisAsyncClient.class}, new EmulatorChildShards(delegate));
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
        if (args != null && args.length == 1 && args[0] instanceof GetShardIteratorRequest request) {
            return delegate.getShardIterator(request).thenApply(r -> remember(r, request));
        }
        if (args != null && args.length == 1 && args[0] instanceof GetRecordsRequest request) {
            ShardRef shard = shardOfIterator.remove(request.shardIterator());
            return delegate.getRecords(request).thenCompose(r -> withChildShards(r, shard));
        }
        try {
            return method.invoke(delegate, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    private GetShardIteratorResponse remember(GetShardIteratorResponse response, GetShardIteratorRequest request) {
        if (response.shardIterator() != null && request.streamName() != null) {
            shardOfIterator.put(response.shardIterator(), new ShardRef(request.streamName(), request.shardId()));
        }
        return response;
    }

    private CompletableFuture<GetRecordsResponse> withChildShards(GetRecordsResponse response, ShardRef shard) {
        if (shard == null) {
            return CompletableFuture.completedFuture(response);
        }
        if (response.nextShardIterator() != null) {
            shardOfIterator.put(response.nextShardIterator(), shard);
            return CompletableFuture.completedFuture(response);
        }
        if (response.hasChildShards() && !response.childShards().isEmpty()) {
            return CompletableFuture.completedFuture(response);
        }
        return delegate.listShards(ListShardsRequest.builder().streamName(shard.streamName()).build())
                .thenApply(list -> {
                    List<ChildShard> children = new ArrayList<>();
                    for (Shard s : list.shards()) {
                        if (shard.shardId().equals(s.parentShardId())
                                || shard.shardId().equals(s.adjacentParentShardId())) {
                            List<String> parents = new ArrayList<>();
                            parents.add(s.parentShardId());
                            if (s.adjacentParentShardId() != null) {
                                parents.add(s.adjacentParentShardId());
                            }
                            children.add(ChildShard.builder().shardId(s.shardId()).parentShards(parents)
                                    .hashKeyRange(s.hashKeyRange()).build());
                        }
                    }
                    return response.toBuilder().childShards(children).build();
                });
    }
}
