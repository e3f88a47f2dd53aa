/** Who is calling and what they may do: JWT verification, roles, per-route access rules and local token minting. */
package vigil.dashboard.auth;
