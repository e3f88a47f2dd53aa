/** The dashboard HTTP API (api-v1.md): configuration, wiring and the process entry point. */
package vigil.dashboard;
