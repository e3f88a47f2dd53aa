/** The alert store over DynamoDB. */
package vigil.dashboard.alert.dynamodb;
