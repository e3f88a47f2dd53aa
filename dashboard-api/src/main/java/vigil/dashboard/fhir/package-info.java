/** The FHIR R4 view of devices, their channels, figures and alerts (docs/fhir.md), and its bulk export. */
package vigil.dashboard.fhir;
