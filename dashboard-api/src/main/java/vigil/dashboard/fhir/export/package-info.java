/** FHIR Bulk Data export: asynchronous jobs writing NDJSON files to a local folder or an S3 bucket. */
package vigil.dashboard.fhir.export;
