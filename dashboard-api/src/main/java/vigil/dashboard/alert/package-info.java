/** Alerts: the list (open ones from the sparse index) and acknowledgement (api-v1.md, alerts-v1.md "Lifecycle"). */
package vigil.dashboard.alert;
