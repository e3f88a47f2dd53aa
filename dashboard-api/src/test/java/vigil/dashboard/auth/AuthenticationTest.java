package vigil.dashboard.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import vigil.dashboard.TestApi;

/** api-v1.md "Authentication and roles": what a token must be for any /api/ route to answer. */
class AuthenticationTest {
    private static final String DEVICE = "/api/v1/devices/PUMP-0001";
    private static TestApi api;

    @BeforeAll
    static void start() {
        api = TestApi.start();
        api.putDevice("PUMP-0001", "infusion_pump", "ICU-4A", TestApi.BASE_ARRIVAL);
    }

    @AfterAll
    static void stop() {
        api.close();
    }

    @Test
    void shouldAnswer401ProblemWithBearerChallengeWithoutToken() {
        TestApi.Reply reply = api.get(DEVICE, null);

        assertUnauthorized(reply);
        assertThat(reply.header("WWW-Authenticate")).startsWith("Bearer");
    }

    @Test
    void shouldAnswer401ForOtherAuthorizationSchemes() {
        TestApi.Reply reply = api.send(java.net.http.HttpRequest.newBuilder(api.uri(DEVICE))
                .header("Authorization", "Basic dXNlcjpwYXNz")
                .build());

        assertUnauthorized(reply);
    }

    @Test
    void shouldAnswer401ForGarbageToken() {
        assertUnauthorized(api.get(DEVICE, "not-a-jwt"));
    }

    @Test
    void shouldAnswer401ForUnsignedAlgNoneToken() {
        String token = new PlainJWT(claims("admin-none").build()).serialize();

        assertUnauthorized(api.get(DEVICE, token));
    }

    @Test
    void shouldAnswer401ForAlgNoneHeaderCarryingAValidLookingSignature() {
        // A classic attack: HS256 token with its header swapped to alg none but the signature kept.
        String valid = api.token(TokenSpec.deviceAdmin("admin-swap"));
        String[] parts = valid.split("\\.");
        String noneHeader = java.util.Base64.getUrlEncoder().withoutPadding()
                .encodeToString("{\"alg\":\"none\"}".getBytes(StandardCharsets.UTF_8));

        assertUnauthorized(api.get(DEVICE, noneHeader + "." + parts[1] + "." + parts[2]));
    }

    @Test
    void shouldAnswer401ForWrongSignature() {
        TokenMinter otherKey = TokenMinter.forSecret("another-secret-0123456789-abcdefghijk");

        assertUnauthorized(api.get(DEVICE, otherKey.mint(TokenSpec.deviceAdmin("admin-wrong-key"))));
    }

    @Test
    void shouldAnswer401ForHs512SignedToken() throws JOSEException {
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS512), claims("admin-hs512").build());
        jwt.sign(new MACSigner(padTo64(TestApi.SECRET)));

        assertUnauthorized(api.get(DEVICE, jwt.serialize()));
    }

    @Test
    void shouldAnswer401ForExpiredToken() {
        String token = api.minter.mint(
                TokenSpec.deviceAdmin("admin-expired").withTtl(Duration.ofMinutes(10)),
                Instant.now().minus(Duration.ofMinutes(11)));

        TestApi.Reply reply = api.get(DEVICE, token);

        assertUnauthorized(reply);
        assertThat(reply.json().get("detail").asText()).contains("expired");
    }

    @Test
    void shouldAcceptTokenExpiredLessThanThirtySecondsAgo() {
        String token = api.minter.mint(
                TokenSpec.deviceAdmin("admin-leeway").withTtl(Duration.ofMinutes(10)),
                Instant.now().minus(Duration.ofMinutes(10)).minusSeconds(10));

        assertThat(api.get(DEVICE, token).status).isEqualTo(200);
    }

    @Test
    void shouldAnswer401ForTokenExpiredMoreThanThirtySecondsAgo() {
        String token = api.minter.mint(
                TokenSpec.deviceAdmin("admin-past-leeway").withTtl(Duration.ofMinutes(10)),
                Instant.now().minus(Duration.ofMinutes(10)).minusSeconds(45));

        assertUnauthorized(api.get(DEVICE, token));
    }

    @Test
    void shouldAnswer401ForTokenWithoutExp() throws JOSEException {
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .subject("admin-no-exp")
                .claim("roles", List.of("device-admin"))
                .build();

        assertUnauthorized(api.get(DEVICE, sign(claims)));
    }

    @Test
    void shouldAnswer401ForTokenWithoutSub() throws JOSEException {
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .expirationTime(Date.from(Instant.now().plusSeconds(600)))
                .claim("roles", List.of("device-admin"))
                .build();

        assertUnauthorized(api.get(DEVICE, sign(claims)));
    }

    @Test
    void shouldAnswer401ForRolesClaimThatIsNotAnArray() throws JOSEException {
        JWTClaimsSet claims = claims("admin-string-roles").claim("roles", "device-admin").build();

        assertUnauthorized(api.get(DEVICE, sign(claims)));
    }

    @Test
    void shouldAnswer403ForValidTokenWithOnlyUnknownRoles() {
        TestApi.Reply reply = api.get(DEVICE, api.token(TokenSpec.of("janitor-1", "janitor", "superuser")));

        assertThat(reply.status).isEqualTo(403);
        assertThat(reply.contentType()).startsWith("application/problem+json");
    }

    @Test
    void shouldAnswer403ForValidTokenWithoutRoles() throws JOSEException {
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .subject("nobody-1")
                .expirationTime(Date.from(Instant.now().plusSeconds(600)))
                .build();

        assertThat(api.get(DEVICE, sign(claims)).status).isEqualTo(403);
    }

    @Test
    void shouldNotAuditUnauthenticatedRequests() {
        api.get(DEVICE, TokenMinter.forSecret("another-secret-0123456789-abcdefghijk")
                .mint(TokenSpec.deviceAdmin("admin-unaudited")));

        assertThat(api.auditEntriesOf("admin-unaudited")).isEmpty();
    }

    @Test
    void shouldAnswerHealthWithoutToken() {
        assertThat(api.get("/health", null).status).isEqualTo(200);
    }

    private static void assertUnauthorized(TestApi.Reply reply) {
        assertThat(reply.status).isEqualTo(401);
        assertThat(reply.contentType()).startsWith("application/problem+json");
        JsonNode problem = reply.json();
        assertThat(problem.get("status").asInt()).isEqualTo(401);
        assertThat(problem.get("title").asText()).isEqualTo("Unauthorized");
        assertThat(problem.has("type")).isTrue();
        assertThat(problem.get("detail").asText()).isNotBlank();
        assertThat(reply.body).doesNotContain("Exception").doesNotContain("\tat ");
    }

    private static JWTClaimsSet.Builder claims(String sub) {
        return new JWTClaimsSet.Builder()
                .subject(sub)
                .expirationTime(Date.from(Instant.now().plusSeconds(600)))
                .claim("roles", List.of("device-admin"));
    }

    private static String sign(JWTClaimsSet claims) throws JOSEException {
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
        jwt.sign(new MACSigner(TestApi.SECRET.getBytes(StandardCharsets.UTF_8)));
        return jwt.serialize();
    }

    private static byte[] padTo64(String secret) {
        byte[] key = new byte[64];
        byte[] raw = secret.getBytes(StandardCharsets.UTF_8);
        System.arraycopy(raw, 0, key, 0, raw.length);
        return key;
    }
}
