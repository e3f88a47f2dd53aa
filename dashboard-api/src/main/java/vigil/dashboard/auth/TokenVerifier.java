package vigil.dashboard.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.ImmutableSecret;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimNames;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.BadJWTException;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import io.javalin.http.UnauthorizedResponse;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Verifies HS256 bearer tokens (api-v1.md, "Authentication and roles") and turns their claims into a
 * {@link Principal}. Rejects, as 401: unsigned ({@code alg: none}) tokens and any algorithm but HS256, a wrong
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

    public TokenVerifier(byte[] secret) {
        if (secret.length < 32) {
            throw new IllegalArgumentException("an HS256 secret has at least 32 bytes");
        }
        processor = new DefaultJWTProcessor<>();
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(JWSAlgorithm.HS256, new ImmutableSecret<>(secret)));
        DefaultJWTClaimsVerifier<SecurityContext> claims =
                new DefaultJWTClaimsVerifier<>(null, Set.of(JWTClaimNames.SUBJECT, JWTClaimNames.EXPIRATION_TIME));
        claims.setMaxClockSkew(MAX_CLOCK_SKEW_SECONDS);
        processor.setJWTClaimsSetVerifier(claims);
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
            throw new UnauthorizedResponse("bearer token rejected: not a valid HS256-signed JWT");
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
        if (message.contains("before use time")) {
            return "not yet valid";
        }
        return "invalid claims";
    }
}
