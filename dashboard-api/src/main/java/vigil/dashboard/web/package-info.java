/** The caregivers' web page and the OpenAPI document, served from the jar. */
package vigil.dashboard.web;
