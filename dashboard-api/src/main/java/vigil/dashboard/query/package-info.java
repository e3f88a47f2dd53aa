/** Query parameter parsing, keyset cursors and list answers shared by the list endpoints. */
package vigil.dashboard.query;
