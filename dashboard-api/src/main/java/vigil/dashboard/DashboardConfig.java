package vigil.dashboard;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import vigil.schema.Tables;

/**
 * Settings of the dashboard API, read from the environment by {@link #fromEnv(Map)}.
 *
 * @param host              interface to listen on; defaults to {@code 127.0.0.1} so that a developer machine does
 *                          not expose the API to its network by accident (containers set {@code 0.0.0.0})
 * @param port              TCP port; 0 picks a free port (see {@link DashboardServer#port()})
 * @param tablePrefix       prefix of every table name, e.g. {@code vigil-}
 * @param jwtSecret         HS256 key for bearer tokens; its UTF-8 bytes are the key, at least 32 of them
 * @param dynamoDbEndpoint  DynamoDB endpoint override (local emulator), or {@code null} for the AWS default
 * @param region            AWS region name, or {@code null} for the SDK's default region chain
 * @param jwksUrl           an OIDC issuer's JWKS URL: tokens are then RS256/ES256 verified with its keys and
 *                          {@code jwtSecret} must be null; {@code null} for HS256 with {@code jwtSecret}
 * @param jwtIssuer         the required {@code iss} in JWKS mode (required there), else ignored
 * @param jwtAudience       the required {@code aud} in JWKS mode, or {@code null} for any
 * @param tlsKeystore       a PKCS#12 keystore with the server's key and certificate: the API then serves HTTPS only;
 *                          {@code null} for plain HTTP (behind a TLS-terminating proxy, or locally)
 * @param tlsKeystorePassword the keystore's password (never printed)
 * @param corsOrigins       origins allowed to call the API from a browser (CORS); empty: CORS off (the default)
 * @param eventPollInterval how often the change feed reads each shard of the device-state and alert streams
 */
public record DashboardConfig(
        String host,
        int port,
        String tablePrefix,
        String jwtSecret,
        URI dynamoDbEndpoint,
        String region,
        URI jwksUrl,
        String jwtIssuer,
        String jwtAudience,
        Path tlsKeystore,
        String tlsKeystorePassword,
        List<String> corsOrigins,
        Duration eventPollInterval) {

    public static final String ENV_HOST = "VIGIL_API_HOST";
    public static final String ENV_PORT = "VIGIL_API_PORT";
    public static final String ENV_TABLE_PREFIX = "VIGIL_TABLE_PREFIX";
    public static final String ENV_JWT_SECRET = "VIGIL_JWT_SECRET";
    public static final String ENV_DYNAMODB_ENDPOINT = "VIGIL_DYNAMODB_ENDPOINT";
    public static final String ENV_REGION = "VIGIL_REGION";
    public static final String ENV_JWKS_URL = "VIGIL_JWT_JWKS_URL";
    public static final String ENV_JWT_ISSUER = "VIGIL_JWT_ISSUER";
    public static final String ENV_JWT_AUDIENCE = "VIGIL_JWT_AUDIENCE";
    public static final String ENV_TLS_KEYSTORE = "VIGIL_TLS_KEYSTORE";
    public static final String ENV_TLS_KEYSTORE_PASSWORD = "VIGIL_TLS_KEYSTORE_PASSWORD";
    public static final String ENV_CORS_ORIGINS = "VIGIL_CORS_ORIGINS";
    public static final String ENV_EVENTS_POLL_MS = "VIGIL_EVENTS_POLL_MS";
    /**
     * Poll period of the change feed on each stream shard (DynamoDB Streams GetRecords): a change reaches clients
     * within about this after it is written (api-v1.md bound: 2 s); five calls per second per shard.
     */
    public static final Duration DEFAULT_EVENT_POLL_INTERVAL = Duration.ofMillis(200);

    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final int DEFAULT_PORT = 8080;
    /** api-v1.md: the local HS256 secret has at least 32 bytes. */
    public static final int MIN_SECRET_BYTES = 32;

    /** HS256 mode, plain HTTP, CORS off, default poll interval. */
    public DashboardConfig(
            String host, int port, String tablePrefix, String jwtSecret, URI dynamoDbEndpoint, String region) {
        this(host, port, tablePrefix, jwtSecret, dynamoDbEndpoint, region, null, null, null, null, null, List.of(),
                DEFAULT_EVENT_POLL_INTERVAL);
    }

    public DashboardConfig {
        List<String> errors = new ArrayList<>();
        corsOrigins = corsOrigins == null ? List.of() : List.copyOf(corsOrigins);
        if (eventPollInterval == null) {
            eventPollInterval = DEFAULT_EVENT_POLL_INTERVAL;
        }
        if (eventPollInterval.toMillis() < 100 || eventPollInterval.toMillis() > 1500) {
            errors.add("event poll interval must be 100 to 1500 ms (changes must reach clients within 2 s)");
        }
        if (jwksUrl != null && (jwtIssuer == null || jwtIssuer.isBlank())) {
            errors.add("a JWKS URL needs the issuer to require (" + ENV_JWT_ISSUER + ")");
        }
        if (tlsKeystore != null && (tlsKeystorePassword == null || tlsKeystorePassword.isEmpty())) {
            errors.add("a TLS keystore needs its password (" + ENV_TLS_KEYSTORE_PASSWORD + ")");
        }
        if (host == null || host.isBlank()) {
            errors.add("host must not be blank");
        }
        if (port < 0 || port > 65535) {
            errors.add("port must be 0..65535, was " + port);
        }
        if (tablePrefix == null || !tablePrefix.matches("[A-Za-z0-9._-]{0,64}")) {
            errors.add("table prefix must be up to 64 of A-Z a-z 0-9 . _ -");
        }
        if (jwksUrl == null) {
            checkSecret(jwtSecret, errors);
        } else if (jwtSecret != null) {
            errors.add("set either a JWKS URL or an HS256 secret, not both");
        }
        if (region != null && !region.matches("[a-z0-9-]{1,32}")) {
            errors.add("region must look like eu-central-1");
        }
        if (!errors.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", errors));
        }
    }

    /** A local configuration: loopback, a free port, the given prefix and secret, default DynamoDB client. */
    public static DashboardConfig local(String tablePrefix, String jwtSecret) {
        return new DashboardConfig(DEFAULT_HOST, 0, tablePrefix, jwtSecret, null, null);
    }

    public DashboardConfig withPort(int newPort) {
        return new DashboardConfig(host, newPort, tablePrefix, jwtSecret, dynamoDbEndpoint, region, jwksUrl, jwtIssuer,
                jwtAudience, tlsKeystore, tlsKeystorePassword, corsOrigins, eventPollInterval);
    }

    public DashboardConfig withTablePrefix(String newPrefix) {
        return new DashboardConfig(host, port, newPrefix, jwtSecret, dynamoDbEndpoint, region, jwksUrl, jwtIssuer,
                jwtAudience, tlsKeystore, tlsKeystorePassword, corsOrigins, eventPollInterval);
    }

    /** JWKS mode: RS256/ES256 tokens of {@code issuer}; the HS256 secret is dropped. */
    public DashboardConfig withJwks(URI url, String issuer, String audience) {
        return new DashboardConfig(host, port, tablePrefix, null, dynamoDbEndpoint, region, url, issuer, audience,
                tlsKeystore, tlsKeystorePassword, corsOrigins, eventPollInterval);
    }

    public DashboardConfig withTls(Path keystore, String password) {
        return new DashboardConfig(host, port, tablePrefix, jwtSecret, dynamoDbEndpoint, region, jwksUrl, jwtIssuer,
                jwtAudience, keystore, password, corsOrigins, eventPollInterval);
    }

    public DashboardConfig withCorsOrigins(List<String> origins) {
        return new DashboardConfig(host, port, tablePrefix, jwtSecret, dynamoDbEndpoint, region, jwksUrl, jwtIssuer,
                jwtAudience, tlsKeystore, tlsKeystorePassword, origins, eventPollInterval);
    }

    /**
     * Reads the configuration from environment variables (names in the {@code ENV_*} constants).
     *
     * @throws IllegalArgumentException naming every bad or missing variable and how to fix it
     */
    public static DashboardConfig fromEnv(Map<String, String> env) {
        Objects.requireNonNull(env, "env");
        List<String> errors = new ArrayList<>();
        String host = valueOr(env, ENV_HOST, DEFAULT_HOST);
        int port = DEFAULT_PORT;
        String portText = valueOr(env, ENV_PORT, null);
        if (portText != null) {
            try {
                port = Integer.parseInt(portText);
                if (port < 0 || port > 65535) {
                    errors.add(ENV_PORT + " must be 0..65535, was " + portText);
                }
            } catch (NumberFormatException e) {
                errors.add(ENV_PORT + " must be a number 0..65535, was '" + portText + "'");
            }
        }
        // An explicitly empty prefix is allowed (tables named exactly as their base names).
        String prefix = env.containsKey(ENV_TABLE_PREFIX) ? env.get(ENV_TABLE_PREFIX).trim() : Tables.DEFAULT_PREFIX;
        if (!prefix.matches("[A-Za-z0-9._-]{0,64}")) {
            errors.add(ENV_TABLE_PREFIX + " must be up to 64 of A-Z a-z 0-9 . _ -");
        }
        // Not trimmed: the secret is used byte for byte.
        String secret = env.get(ENV_JWT_SECRET);
        URI jwks = null;
        String jwksText = valueOr(env, ENV_JWKS_URL, null);
        if (jwksText != null) {
            try {
                jwks = new URI(jwksText);
                if (!("https".equals(jwks.getScheme()) || "http".equals(jwks.getScheme())) || jwks.getHost() == null) {
                    errors.add(ENV_JWKS_URL + " must be an http(s) URL (the issuer's jwks_uri)");
                }
            } catch (URISyntaxException e) {
                errors.add(ENV_JWKS_URL + " is not a valid URL: " + e.getReason());
            }
            if (secret != null && !secret.isEmpty()) {
                errors.add("set either " + ENV_JWKS_URL + " or " + ENV_JWT_SECRET + ", not both");
            }
            secret = null;
            if (valueOr(env, ENV_JWT_ISSUER, null) == null) {
                errors.add(ENV_JWT_ISSUER + " is required with " + ENV_JWKS_URL);
            }
        } else {
            checkSecret(secret, errors);
        }
        Path keystore = null;
        String keystoreText = valueOr(env, ENV_TLS_KEYSTORE, null);
        String keystorePassword = env.get(ENV_TLS_KEYSTORE_PASSWORD);
        if (keystoreText != null) {
            keystore = Path.of(keystoreText);
            if (!Files.isReadable(keystore)) {
                errors.add(ENV_TLS_KEYSTORE + " must name a readable PKCS#12 file");
            }
            if (keystorePassword == null || keystorePassword.isEmpty()) {
                errors.add(ENV_TLS_KEYSTORE_PASSWORD + " is required with " + ENV_TLS_KEYSTORE);
            }
        }
        List<String> cors = new ArrayList<>();
        String corsText = valueOr(env, ENV_CORS_ORIGINS, null);
        if (corsText != null) {
            for (String origin : corsText.split(",")) {
                String o = origin.trim();
                if (!o.matches("https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?")) {
                    errors.add(ENV_CORS_ORIGINS + " must be a comma-separated list of origins such as"
                            + " https://ward.example.org, was '" + o + "'");
                } else {
                    cors.add(o);
                }
            }
        }
        Duration poll = DEFAULT_EVENT_POLL_INTERVAL;
        String pollText = valueOr(env, ENV_EVENTS_POLL_MS, null);
        if (pollText != null) {
            try {
                poll = Duration.ofMillis(Long.parseLong(pollText));
                if (poll.toMillis() < 100 || poll.toMillis() > 1500) {
                    errors.add(ENV_EVENTS_POLL_MS + " must be 100 to 1500");
                }
            } catch (NumberFormatException e) {
                errors.add(ENV_EVENTS_POLL_MS + " must be a number of milliseconds, 100 to 1500");
            }
        }
        URI endpoint = null;
        String endpointText = valueOr(env, ENV_DYNAMODB_ENDPOINT, null);
        if (endpointText != null) {
            try {
                endpoint = new URI(endpointText);
                if (!("http".equals(endpoint.getScheme()) || "https".equals(endpoint.getScheme()))
                        || endpoint.getHost() == null) {
                    errors.add(ENV_DYNAMODB_ENDPOINT + " must be an http(s) URL such as http://localhost:8000");
                }
            } catch (URISyntaxException e) {
                errors.add(ENV_DYNAMODB_ENDPOINT + " is not a valid URL: " + e.getReason());
            }
        }
        String region = valueOr(env, ENV_REGION, null);
        if (region != null && !region.matches("[a-z0-9-]{1,32}")) {
            errors.add(ENV_REGION + " must look like eu-central-1, was '" + region + "'");
        }
        if (!errors.isEmpty()) {
            throw new IllegalArgumentException("invalid configuration: " + String.join("; ", errors));
        }
        return new DashboardConfig(host, port, prefix, secret, endpoint, region, jwks,
                valueOr(env, ENV_JWT_ISSUER, null), valueOr(env, ENV_JWT_AUDIENCE, null), keystore, keystorePassword,
                cors, poll);
    }

    private static void checkSecret(String secret, List<String> errors) {
        if (secret == null || secret.isEmpty()) {
            errors.add(ENV_JWT_SECRET + " is required: set it to a random string of at least " + MIN_SECRET_BYTES
                    + " bytes, e.g. export " + ENV_JWT_SECRET + "=\"$(openssl rand -base64 48)\"");
        } else if (secret.getBytes(StandardCharsets.UTF_8).length < MIN_SECRET_BYTES) {
            // Never echo the secret itself.
            errors.add(ENV_JWT_SECRET + " must be at least " + MIN_SECRET_BYTES + " bytes, was "
                    + secret.getBytes(StandardCharsets.UTF_8).length);
        }
    }

    private static String valueOr(Map<String, String> env, String name, String fallback) {
        String value = env.get(name);
        return value == null || value.isBlank() ? fallback : value.trim();
    }

    public byte[] jwtSecretBytes() {
        return jwtSecret == null ? null : jwtSecret.getBytes(StandardCharsets.UTF_8);
    }

    /** Never prints the secret. */
    @Override
    public String toString() {
        return "DashboardConfig[host=" + host + ", port=" + port + ", tablePrefix=" + tablePrefix
                + ", jwtSecret=" + (jwtSecret == null ? "none" : "<redacted>") + ", dynamoDbEndpoint="
                + dynamoDbEndpoint + ", region=" + region + ", jwksUrl=" + jwksUrl + ", jwtIssuer=" + jwtIssuer
                + ", jwtAudience=" + jwtAudience + ", tlsKeystore=" + tlsKeystore
                + ", tlsKeystorePassword=<redacted>, corsOrigins=" + corsOrigins + ", eventPollInterval="
                + eventPollInterval + "]";
    }
}
