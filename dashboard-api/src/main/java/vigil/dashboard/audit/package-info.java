/** The append-only audit log of device reads and denied requests (api-v1.md, "Audit log"). */
package vigil.dashboard.audit;
