/** Helpers shared by the DynamoDB stores of the dashboard API. */
package vigil.dashboard.dynamodb;
