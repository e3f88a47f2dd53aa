/** Error responses as {@code application/problem+json} (RFC 9457): one mapping for every failure of every route. */
package vigil.dashboard.problem;
