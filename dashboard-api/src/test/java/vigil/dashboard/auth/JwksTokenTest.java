package vigil.dashboard.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Date;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import vigil.dashboard.DashboardServer;
import vigil.dashboard.TestApi;

/**
 * Production token mode: RS256 and ES256 tokens verified against an OIDC issuer's JWKS, served here by a local
 * HTTP server on loopback. HS256 tokens, other issuers and keys not in the set are refused.
 */
class JwksTokenTest {
    private static final String ISSUER = "https://idp.test/realms/vigil";
    private static TestApi api;
    private static HttpServer jwks;
    private static DashboardServer server;
    private static RSAKey rsa;
    private static ECKey ec;

    @BeforeAll
    static void start() throws Exception {
        api = TestApi.start();
        rsa = new RSAKeyGenerator(2048).keyID("rsa-1").generate();
        ec = new ECKeyGenerator(Curve.P_256).keyID("ec-1").generate();
        byte[] document = new JWKSet(List.of(rsa.toPublicJWK(), ec.toPublicJWK())).toString()
                .getBytes(StandardCharsets.UTF_8);
        jwks = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        jwks.createContext("/jwks.json", exchange -> {
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, document.length);
            exchange.getResponseBody().write(document);
            exchange.close();
        });
        jwks.start();
        URI url = URI.create("http://127.0.0.1:" + jwks.getAddress().getPort() + "/jwks.json");
        server = DashboardServer.start(TestApi.config(api.aws).withJwks(url, ISSUER, "vigil-dashboard"), api.dynamo());
    }

    @AfterAll
    static void stop() {
        server.close();
        jwks.stop(0);
        api.close();
    }

    private static String sign(JWSSigner signer, JWSAlgorithm alg, String kid, String issuer) throws Exception {
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .subject("oidc-biomed")
                .issuer(issuer)
                .audience("vigil-dashboard")
                .expirationTime(new Date(System.currentTimeMillis() + 600_000))
                .claim("roles", List.of("device-admin"))
                .build();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(alg).keyID(kid).build(), claims);
        jwt.sign(signer);
        return jwt.serialize();
    }

    private static int status(String token) {
        return api.send(java.net.http.HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + server.port() + "/api/v1/devices"))
                .header("Authorization", "Bearer " + token)
                .build()).status;
    }

    @Test
    void shouldAcceptRs256AndEs256TokensSignedWithTheIssuersKeys() throws Exception {
        assertThat(status(sign(new RSASSASigner(rsa), JWSAlgorithm.RS256, "rsa-1", ISSUER))).isEqualTo(200);
        assertThat(status(sign(new ECDSASigner(ec), JWSAlgorithm.ES256, "ec-1", ISSUER))).isEqualTo(200);
    }

    @Test
    void shouldRejectOtherIssuersForeignKeysAndHs256() throws Exception {
        assertThat(status(sign(new RSASSASigner(rsa), JWSAlgorithm.RS256, "rsa-1", "https://evil.test"))).isEqualTo(401);
        RSAKey stranger = new RSAKeyGenerator(2048).keyID("rsa-1").generate();
        assertThat(status(sign(new RSASSASigner(stranger), JWSAlgorithm.RS256, "rsa-1", ISSUER))).isEqualTo(401);
        assertThat(status(sign(new MACSigner(TestApi.SECRET.getBytes(StandardCharsets.UTF_8)), JWSAlgorithm.HS256,
                null, ISSUER))).isEqualTo(401);
        assertThat(status(api.token(TokenSpec.deviceAdmin("local")))).as("local HS256 token").isEqualTo(401);
    }
}
