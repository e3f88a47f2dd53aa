package vigil.dashboard;

import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import vigil.dashboard.fhir.export.ExportConfig;
import vigil.dashboard.fhir.export.ExportStorage;
import vigil.dashboard.fhir.export.LocalExportStorage;
import vigil.dashboard.fhir.export.S3ExportStorage;

import vigil.dashboard.metrics.ApiMetrics;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClientBuilder;

/**
 * Process entry point: reads the environment, builds the DynamoDB client, starts the {@link DashboardServer} and
 * stops both on SIGTERM or Ctrl-C. Exit status 2 for bad configuration.
 */
public final class DashboardMain {
    private static final Logger LOG = LoggerFactory.getLogger(DashboardMain.class);
    /** Region used with an endpoint override when none is configured; local emulators accept any. */
    private static final Region LOCAL_REGION = Region.US_EAST_1;

    private DashboardMain() {}

    public static void main(String[] args) throws InterruptedException {
        if (Arrays.asList(args).contains("--help") || Arrays.asList(args).contains("-h")) {
            printUsage(System.out);
            return;
        }
        if (args.length > 0) {
            System.err.println("unknown arguments: " + String.join(" ", args) + " (configuration is by environment)");
            printUsage(System.err);
            System.exit(2);
        }
        DashboardConfig config;
        try {
            config = DashboardConfig.fromEnv(System.getenv());
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.err.println("run with --help for every variable");
            System.exit(2);
            return;
        }
        int metricsPort;
        try {
            metricsPort = ApiMetrics.portFromEnv(System.getenv());
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        ApiMetrics metrics = new ApiMetrics();
        if (metricsPort >= 0) {
            String host = System.getenv().getOrDefault(ApiMetrics.ENV_METRICS_HOST, "127.0.0.1");
            LOG.info("metrics on http://{}:{}/metrics", host, metrics.serve(host, metricsPort));
        }
        ExportStorage exportStorage;
        try {
            exportStorage = exportStorage(ExportConfig.fromEnv(System.getenv()), config);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            metrics.close();
            System.exit(2);
            return;
        }
        DynamoDbClient dynamo = dynamoClient(config);
        DashboardServer server;
        try {
            server = DashboardServer.start(config, dynamo, metrics, exportStorage);
        } catch (RuntimeException e) {
            dynamo.close();
            metrics.close();
            throw e;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            LOG.info("stopping dashboard API");
            server.close();
            dynamo.close();
            metrics.close();
            stopped.countDown();
        }, "dashboard-shutdown"));
        stopped.await();
    }

    static DynamoDbClient dynamoClient(DashboardConfig config) {
        DynamoDbClientBuilder builder = DynamoDbClient.builder()
                .httpClientBuilder(ApacheHttpClient.builder())
                .overrideConfiguration(o -> o.apiCallTimeout(Duration.ofSeconds(10)));
        if (config.dynamoDbEndpoint() != null) {
            builder.endpointOverride(config.dynamoDbEndpoint());
        }
        if (config.region() != null) {
            builder.region(Region.of(config.region()));
        } else if (config.dynamoDbEndpoint() != null) {
            builder.region(LOCAL_REGION);
        }
        // Credentials: the SDK default chain (environment, profile, container or instance role).
        return builder.build();
    }

    /** S3 (SSE-KMS) when a bucket is configured, else the local folder (checked writable here). */
    static ExportStorage exportStorage(ExportConfig export, DashboardConfig config) {
        if (export.bucket() == null) {
            return new LocalExportStorage(export.dir());
        }
        S3ClientBuilder s3 = S3Client.builder().httpClientBuilder(ApacheHttpClient.builder());
        if (config.region() != null) {
            s3.region(Region.of(config.region()));
        }
        return new S3ExportStorage(s3.build(), export.bucket(), export.kmsKeyId(), "fhir-export/");
    }

    static void printUsage(PrintStream out) {
        Map<String, String> vars = new java.util.LinkedHashMap<>();
        vars.put(DashboardConfig.ENV_JWT_SECRET, "required. HS256 key for bearer tokens, at least 32 bytes"
                + " (its UTF-8 bytes are the key). Example: export " + DashboardConfig.ENV_JWT_SECRET
                + "=\"$(openssl rand -base64 48)\"");
        vars.put(DashboardConfig.ENV_HOST, "interface to listen on (default " + DashboardConfig.DEFAULT_HOST
                + ", loopback only; use 0.0.0.0 in a container)");
        vars.put(DashboardConfig.ENV_PORT, "TCP port (default " + DashboardConfig.DEFAULT_PORT + "; 0 = any free port)");
        vars.put(DashboardConfig.ENV_TABLE_PREFIX, "prefix of the DynamoDB table names (default vigil-)");
        vars.put(DashboardConfig.ENV_DYNAMODB_ENDPOINT, "DynamoDB endpoint override, e.g. http://localhost:8000"
                + " for a local emulator (default: the AWS endpoint of the region)");
        vars.put(DashboardConfig.ENV_REGION, "AWS region (default: the SDK default region chain, e.g. AWS_REGION;"
                + " us-east-1 when an endpoint override is set)");
        vars.put(DashboardConfig.ENV_JWKS_URL, "production tokens: an OIDC issuer's JWKS URL; RS256/ES256 tokens are"
                + " then verified with its keys, and " + DashboardConfig.ENV_JWT_SECRET + " must be unset");
        vars.put(DashboardConfig.ENV_JWT_ISSUER, "the iss claim to require (required with the JWKS URL)");
        vars.put(DashboardConfig.ENV_JWT_AUDIENCE, "the aud value to require (optional, JWKS mode)");
        vars.put(DashboardConfig.ENV_TLS_KEYSTORE, "PKCS#12 keystore: serve HTTPS only with its key (optional)");
        vars.put(DashboardConfig.ENV_TLS_KEYSTORE_PASSWORD, "the keystore's password");
        vars.put(DashboardConfig.ENV_CORS_ORIGINS, "comma-separated origins allowed by CORS (default: CORS off)");
        vars.put(ApiMetrics.ENV_METRICS_HOST, "interface of the unauthenticated /metrics port (default 127.0.0.1)");
        vars.put(ApiMetrics.ENV_METRICS_PORT, "port of /metrics, Prometheus text (default " + ApiMetrics.DEFAULT_PORT
                + "; 0 any; -1 off); never on the API port");
        vars.put(ExportConfig.ENV_DIR, "folder for FHIR bulk export files (default vigil-fhir-export under the"
                + " temporary directory); must be writable");
        vars.put(ExportConfig.ENV_BUCKET, "S3 bucket for FHIR bulk export files instead of the folder (SSE-KMS)");
        vars.put(ExportConfig.ENV_KMS_KEY, "KMS key id or ARN for the export bucket (default: the bucket's key)");
        vars.put(DashboardConfig.ENV_EVENTS_POLL_MS, "how often the event stream reads each shard of the device-state and"
                + " alert DynamoDB streams, 100-1500 ms (default 200)");
        out.println("usage: DashboardMain [--help]");
        out.println("Serves the Vigil dashboard API (api-v1). Configuration is read from the environment:");
        vars.forEach((name, text) -> out.printf("  %-28s %s%n", name, text));
        out.println("AWS credentials come from the SDK default chain (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY,"
                + " profile or role).");
        out.println("Stops cleanly on SIGTERM or Ctrl-C.");
    }
}
