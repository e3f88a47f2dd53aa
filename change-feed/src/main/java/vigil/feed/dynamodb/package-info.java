/** The change feed over DynamoDB Streams: every shard of a table's stream, parents before children. */
package vigil.feed.dynamodb;
