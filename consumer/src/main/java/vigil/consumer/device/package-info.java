/** Per-device bookkeeping owned by one shard processor: newest record, counts, duplicate detection. */
package vigil.consumer.device;
