/** Local stand-ins for AWS: DynamoDB Local in-process and kinesalite as a guarded child process, plus resource creation. */
package vigil.infra.local;
