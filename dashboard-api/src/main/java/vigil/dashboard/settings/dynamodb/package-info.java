/** The settings store over DynamoDB. */
package vigil.dashboard.settings.dynamodb;
