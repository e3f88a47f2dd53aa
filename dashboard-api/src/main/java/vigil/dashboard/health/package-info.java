/** The unauthenticated health probe: can the service reach the tables it needs. */
package vigil.dashboard.health;
