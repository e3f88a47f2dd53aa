/** The recovery journal kept in DynamoDB: chunk items keyed by hash-key bucket, read back by range. */
package vigil.consumer.recovery.dynamodb;
