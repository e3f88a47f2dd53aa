/**
 * Vigil's AWS deployment as a CDK v2 app: the telemetry stream, every table of {@link vigil.schema.Tables}, the KCL
 * lease table, the consumer and dashboard-api Fargate services, a private network and the alarms, each with the
 * HIPAA guardrail that docs/deploy.md maps to 45 CFR 164.312.
 */
package vigil.infra.cdk;
