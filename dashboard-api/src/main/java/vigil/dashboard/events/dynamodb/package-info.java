/** The event stream's change feed over the DynamoDB streams of the device-state and alert tables. */
package vigil.dashboard.events.dynamodb;
