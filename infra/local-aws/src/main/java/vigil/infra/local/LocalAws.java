package vigil.infra.local;

import java.net.URI;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import vigil.schema.TableSpec;
import vigil.schema.Tables;

/**
 * The local AWS stand-ins, started and prepared: DynamoDB Local (in this JVM) and, unless disabled, kinesalite (a
 * guarded Node child process), with the telemetry stream and every table of {@link Tables} created. Used alike by
 * the demo launcher and by tests. {@link #close()} stops both; a dead JVM leaves neither behind.
 *
 * <p><b>Threading contract.</b> Start and close from one thread; the endpoint accessors and clients are safe to
 * share between threads once {@link #start} has returned.
 */
public final class LocalAws implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LocalAws.class);
    /** Region the local clients sign for; the emulators accept any. */
    public static final Region REGION = Region.US_EAST_1;

    private final LocalAwsConfig config;
    private final DynamoDbLocalServer dynamoDb;
    private final KinesaliteProcess kinesalite;
    private final DynamoDbClient dynamoDbClient;
    private final KinesisClient kinesisClient;

    private LocalAws(
            LocalAwsConfig config,
            DynamoDbLocalServer dynamoDb,
            KinesaliteProcess kinesalite,
            DynamoDbClient dynamoDbClient,
            KinesisClient kinesisClient) {
        this.config = config;
        this.dynamoDb = dynamoDb;
        this.kinesalite = kinesalite;
        this.dynamoDbClient = dynamoDbClient;
        this.kinesisClient = kinesisClient;
    }

    /** Starts the emulators and creates the stream and tables; fails with a {@link LocalAwsException} saying why. */
    public static LocalAws start(LocalAwsConfig config) {
        // The emulator speaks JSON, not CBOR (see docs/local-aws.md); must be set before any Kinesis client exists.
        System.setProperty("aws.cborEnabled", "false");
        long startNanos = System.nanoTime();
        DynamoDbLocalServer dynamoDb = DynamoDbLocalServer.start(config.dynamoDbPort());
        KinesaliteProcess kinesalite = null;
        DynamoDbClient dynamoClient = null;
        KinesisClient kinesisClient = null;
        try {
            dynamoClient = DynamoDbClient.builder()
                    .endpointOverride(URI.create("http://127.0.0.1:" + dynamoDb.port()))
                    .region(REGION)
                    .credentialsProvider(credentials())
                    .httpClientBuilder(ApacheHttpClient.builder())
                    .build();
            createTables(dynamoClient, config);
            if (config.startKinesis()) {
                kinesalite = KinesaliteProcess.start(
                        config.kinesaliteHome(), config.kinesisPort(), config.startTimeout());
                kinesisClient = KinesisClient.builder()
                        .endpointOverride(URI.create("http://127.0.0.1:" + kinesalite.port()))
                        .region(REGION)
                        .credentialsProvider(credentials())
                        .httpClientBuilder(ApacheHttpClient.builder())
                        .build();
                createStream(kinesisClient, config);
            }
        } catch (RuntimeException e) {
            closeQuietly(kinesisClient, kinesalite, dynamoClient, dynamoDb);
            throw e;
        }
        LOG.info(
                "local AWS ready in {} ms: DynamoDB Local on {}, kinesalite on {}, stream {} with {} shards",
                Duration.ofNanos(System.nanoTime() - startNanos).toMillis(),
                dynamoDb.port(),
                kinesalite == null ? "-" : kinesalite.port(),
                config.startKinesis() ? config.streamName() : "-",
                config.shardCount());
        return new LocalAws(config, dynamoDb, kinesalite, dynamoClient, kinesisClient);
    }

    /**
     * Creates every table of {@link Tables} and the configured KCL lease tables, waiting until they exist. Public
     * so that another local stack (LocalStack in a container) is prepared the same way.
     */
    public static void createTables(DynamoDbClient dynamo, LocalAwsConfig config) {
        for (TableSpec table : Tables.all()) {
            ResourceCreator.createTable(dynamo, table, config.tablePrefix());
        }
        for (String application : config.kclApplications()) {
            ResourceCreator.createKclLeaseTable(dynamo, application);
        }
    }

    /** Creates the telemetry stream and waits until it is ACTIVE. */
    public static void createStream(KinesisClient kinesis, LocalAwsConfig config) {
        ResourceCreator.createStream(kinesis, config.streamName(), config.shardCount(), config.startTimeout());
    }

    /** Static credentials the emulators accept. */
    public static AwsCredentialsProvider credentials() {
        return StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local"));
    }

    public URI dynamoDbEndpoint() {
        return URI.create("http://127.0.0.1:" + dynamoDb.port());
    }

    /** The kinesalite endpoint; fails when the stack was started without Kinesis. */
    public URI kinesisEndpoint() {
        if (kinesalite == null) {
            throw new IllegalStateException("started without Kinesis");
        }
        return URI.create("http://127.0.0.1:" + kinesalite.port());
    }

    public String streamName() {
        return config.streamName();
    }

    public String tablePrefix() {
        return config.tablePrefix();
    }

    public int shardCount() {
        return config.shardCount();
    }

    public DynamoDbClient dynamoDbClient() {
        return dynamoDbClient;
    }

    public KinesisClient kinesisClient() {
        if (kinesisClient == null) {
            throw new IllegalStateException("started without Kinesis");
        }
        return kinesisClient;
    }

    /** Process id of the kinesalite child, or -1 without Kinesis (for orphan checks). */
    public long kinesalitePid() {
        return kinesalite == null ? -1 : kinesalite.pid();
    }

    @Override
    public void close() {
        closeQuietly(kinesisClient, kinesalite, dynamoDbClient, dynamoDb);
    }

    private static void closeQuietly(AutoCloseable... resources) {
        for (AutoCloseable r : resources) {
            if (r == null) {
                continue;
            }
            try {
                r.close();
            } catch (Exception e) { // close() declares Exception; keep closing the rest
                LOG.warn("closing {} failed: {}", r.getClass().getSimpleName(), e.toString());
            }
        }
    }
}
