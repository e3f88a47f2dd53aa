/** DynamoDB implementation of the durable effects writer. */
package vigil.consumer.state.dynamodb;
