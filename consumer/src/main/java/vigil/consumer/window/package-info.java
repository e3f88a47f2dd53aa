/**
 * Per-device rolling windows in device event time with incremental aggregates, owned by one shard's writer; no I/O
 * and no clock reads.
 */
package vigil.consumer.window;
