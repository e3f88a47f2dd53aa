/** Reports over stored alerts: the alarm burden report for device admins, auditors and ward staff. */
package vigil.dashboard.report;
