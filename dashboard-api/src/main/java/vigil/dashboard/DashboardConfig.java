package vigil.dashboard;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
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
 */
public record DashboardConfig(
        String host, int port, String tablePrefix, String jwtSecret, URI dynamoDbEndpoint, String region) {

    public static final String ENV_HOST = "VIGIL_API_HOST";
    public static final String ENV_PORT = "VIGIL_API_PORT";
    public static final String ENV_TABLE_PREFIX = "VIGIL_TABLE_PREFIX";
    public static final String ENV_JWT_SECRET = "VIGIL_JWT_SECRET";
    public static final String ENV_DYNAMODB_ENDPOINT = "VIGIL_DYNAMODB_ENDPOINT";
    public static final String ENV_REGION = "VIGIL_REGION";

    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final int DEFAULT_PORT = 8080;
    /** api-v1.md: the local HS256 secret has at least 32 bytes. */
    public static final int MIN_SECRET_BYTES = 32;

    public DashboardConfig {
        List<String> errors = new ArrayList<>();
        if (host == null || host.isBlank()) {
            errors.add("host must not be blank");
        }
        if (port < 0 || port > 65535) {
            errors.add("port must be 0..65535, was " + port);
        }
        if (tablePrefix == null || !tablePrefix.matches("[A-Za-z0-9._-]{0,64}")) {
            errors.add("table prefix must be up to 64 of A-Z a-z 0-9 . _ -");
        }
        checkSecret(jwtSecret, errors);
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
        return new DashboardConfig(host, newPort, tablePrefix, jwtSecret, dynamoDbEndpoint, region);
    }

    public DashboardConfig withTablePrefix(String newPrefix) {
        return new DashboardConfig(host, port, newPrefix, jwtSecret, dynamoDbEndpoint, region);
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
        checkSecret(secret, errors);
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
        return new DashboardConfig(host, port, prefix, secret, endpoint, region);
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
        return jwtSecret.getBytes(StandardCharsets.UTF_8);
    }

    /** Never prints the secret. */
    @Override
    public String toString() {
        return "DashboardConfig[host=" + host + ", port=" + port + ", tablePrefix=" + tablePrefix
                + ", jwtSecret=<redacted>, dynamoDbEndpoint=" + dynamoDbEndpoint + ", region=" + region + "]";
    }
}
