package vigil.dashboard.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.ImmutableSecret;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import com.nimbusds.jwt.JWTClaimNames;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.BadJWTException;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import io.javalin.http.UnauthorizedResponse;
import java.net.URL;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Verifies bearer tokens (api-v1.md, "Authentication and roles"): HS256 with a local secret, or RS256/ES256 with
 * the keys of an OIDC issuer's JWKS ({@link #forJwks}) and turns their claims into a
 * {@link Principal}. Rejects, as 401: unsigned ({@code alg: none}) tokens and any algorithm but the mode's, a wrong
 * signature, a missing {@code exp} or {@code sub}, an {@code exp} more than {@link #MAX_CLOCK_SKEW_SECONDS} in the
 * past, an {@code nbf} in the future, and malformed role or scope claims. A token without any known role is valid
 * here; the route then answers 403.
 *
 * <p>Thread-safe: the nimbus processor is immutable once configured.
 */
public final class TokenVerifier {
    /** api-v1.md: "no leeway beyond 30 s" for {@code exp}. */
    public static final int MAX_CLOCK_SKEW_SECONDS = 30;

    static final String CLAIM_ROLES = "roles";
    static final String CLAIM_CARE_UNITS = "careUnits";
    static final String CLAIM_DEVICE_IDS = "deviceIds";

    private final DefaultJWTProcessor<SecurityContext> processor;

    /** Local mode: HS256 tokens signed with {@code secret} (at least 32 bytes). */
    public TokenVerifier(byte[] secret) {
        if (secret.length < 32) {
            throw new IllegalArgumentException("an HS256 secret has at least 32 bytes");
        }
        processor = processor(
                new JWSVerificationKeySelector<>(JWSAlgorithm.HS256, new ImmutableSecret<>(secret)), null, null);
    }

    private TokenVerifier(DefaultJWTProcessor<SecurityContext> processor) {
        this.processor = processor;
    }

    /** Connect and read timeout of a JWKS fetch: the library's 500 ms turns a slow issuer into 401s. */
    static final int JWKS_TIMEOUT_MILLIS = 2_000;
    /** Largest JWKS document accepted (the library's default: a few dozen keys). */
    static final int JWKS_MAX_BYTES = 51_200;

    /**
     * Production mode: RS256 or ES256 tokens of an OIDC issuer, verified with the keys of its JWKS document. Keys are
     * fetched on first use, cached, and refetched when a token names an unknown key id (key rotation); a JWKS
     * outage is retried once per verification, each fetch bounded by {@link #JWKS_TIMEOUT_MILLIS}. HS256 and every other algorithm are rejected.
     *
     * @param jwksUrl  the issuer's {@code jwks_uri}
     * @param issuer   the required {@code iss} claim
     * @param audience the required {@code aud} value, or null to accept any audience
     */
    public static TokenVerifier forJwks(URL jwksUrl, String issuer, String audience) {
        JWKSource<SecurityContext> keys = JWKSourceBuilder.create(jwksUrl, new DefaultResourceRetriever(
                        JWKS_TIMEOUT_MILLIS, JWKS_TIMEOUT_MILLIS, JWKS_MAX_BYTES))
                .retrying(true)
                .build();
        return new TokenVerifier(processor(
                new JWSVerificationKeySelector<>(Set.of(JWSAlgorithm.RS256, JWSAlgorithm.ES256), keys),
                issuer,
                audience));
    }

    private static DefaultJWTProcessor<SecurityContext> processor(
            JWSVerificationKeySelector<SecurityContext> keys, String issuer, String audience) {
        DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
        processor.setJWSKeySelector(keys);
        JWTClaimsSet.Builder exact = new JWTClaimsSet.Builder();
        if (issuer != null) {
            exact.issuer(issuer);
        }
        DefaultJWTClaimsVerifier<SecurityContext> claims = new DefaultJWTClaimsVerifier<>(
                audience == null ? null : new java.util.HashSet<>(java.util.List.of(audience)),
                exact.build(),
                new java.util.HashSet<>(java.util.List.of(JWTClaimNames.SUBJECT, JWTClaimNames.EXPIRATION_TIME)),
                null);
        claims.setMaxClockSkew(MAX_CLOCK_SKEW_SECONDS);
        processor.setJWTClaimsSetVerifier(claims);
        return processor;
    }

    /**
     * Verifies a compact-serialized token.
     *
     * @throws UnauthorizedResponse saying in general terms what is wrong; the message never contains the token
     */
    public Principal verify(String token) {
        JWTClaimsSet claims;
        try {
            claims = processor.process(token, null);
        } catch (BadJWTException e) {
            throw new UnauthorizedResponse("bearer token rejected: " + reasonOf(e));
        } catch (ParseException | BadJOSEException | JOSEException e) {
            // Parse errors, alg none, other algorithms and bad signatures all land here; nimbus messages do not
            // contain the token, but keep the answer generic anyway.
            throw new UnauthorizedResponse("bearer token rejected: not a validly signed JWT");
        }
        try {
            Set<Role> roles = EnumSet.noneOf(Role.class);
            for (String name : listClaim(claims, CLAIM_ROLES)) {
                Role.fromClaim(name).ifPresent(roles::add);
            }
            return new Principal(
                    claims.getSubject(),
                    roles,
                    Set.copyOf(listClaim(claims, CLAIM_CARE_UNITS)),
                    Set.copyOf(listClaim(claims, CLAIM_DEVICE_IDS)));
        } catch (ParseException e) {
            throw new UnauthorizedResponse("bearer token rejected: roles, careUnits and deviceIds must be string arrays");
        }
    }

    private static List<String> listClaim(JWTClaimsSet claims, String name) throws ParseException {
        List<String> values = claims.getStringListClaim(name);
        if (values == null) {
            return List.of();
        }
        List<String> nonNull = new ArrayList<>(values.size());
        for (String v : values) {
            if (v == null) {
                throw new ParseException(name + " contains null", 0);
            }
            nonNull.add(v);
        }
        return nonNull;
    }

    private static String reasonOf(BadJWTException e) {
        String message = String.valueOf(e.getMessage());
        if (message.contains("Expired")) {
            return "expired";
        }
        if (message.contains("missing required claims")) {
            return "missing required claim (exp and sub are required)";
        }
        if (message.contains("iss claim") || message.contains("aud claim") || message.contains("audience")) {
            return "wrong issuer or audience";
        }
        if (message.contains("before use time")) {
            return "not yet valid";
        }
        return "invalid claims";
    }
}
