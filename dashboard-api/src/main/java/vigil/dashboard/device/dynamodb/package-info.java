/** Reads derived device state from the DynamoDB device-state table. */
package vigil.dashboard.device.dynamodb;
