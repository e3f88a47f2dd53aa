package vigil.dashboard.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.Objects;
import java.util.UUID;

/**
 * Mints HS256 tokens for local use: the token CLI, the demo launcher and tests. Production tokens come from an OIDC
 * issuer, never from this class. Thread-safe.
 */
public final class TokenMinter {
    private final MACSigner signer;
    private final Clock clock;

    /** @param secret the HMAC key, at least 32 bytes (the same bytes the service verifies with) */
    public TokenMinter(byte[] secret, Clock clock) {
        if (secret.length < 32) {
            throw new IllegalArgumentException("an HS256 secret has at least 32 bytes, was " + secret.length);
        }
        try {
            this.signer = new MACSigner(secret.clone());
        } catch (JOSEException e) {
            throw new IllegalArgumentException("unusable HS256 secret", e);
        }
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** A minter for a secret given as text (its UTF-8 bytes are the key, as for {@code VIGIL_JWT_SECRET}). */
    public static TokenMinter forSecret(String secret) {
        return new TokenMinter(secret.getBytes(StandardCharsets.UTF_8), Clock.systemUTC());
    }

    /** A fresh random secret for a local run: 48 random bytes, base64url (64 characters). */
    public static String generateSecret() {
        byte[] bytes = new byte[48];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** Mints a token issued now. */
    public String mint(TokenSpec spec) {
        return mint(spec, clock.instant());
    }

    /** Mints a token issued at the given time (tests use a past time for expired tokens). */
    public String mint(TokenSpec spec, Instant issuedAt) {
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
                .subject(spec.subject())
                .issueTime(Date.from(issuedAt))
                .expirationTime(Date.from(issuedAt.plus(spec.ttl())))
                .jwtID(UUID.randomUUID().toString())
                .claim(TokenVerifier.CLAIM_ROLES, spec.roles());
        if (!spec.careUnits().isEmpty()) {
            claims.claim(TokenVerifier.CLAIM_CARE_UNITS, spec.careUnits());
        }
        if (!spec.deviceIds().isEmpty()) {
            claims.claim(TokenVerifier.CLAIM_DEVICE_IDS, spec.deviceIds());
        }
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims.build());
        try {
            jwt.sign(signer);
        } catch (JOSEException e) {
            throw new IllegalStateException("HS256 signing failed", e);
        }
        return jwt.serialize();
    }
}
