/** The audit log stored in the DynamoDB audit table; entries are only ever put, never updated or deleted. */
package vigil.dashboard.audit.dynamodb;
