package vigil.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DashboardConfigTest {
    private static final String SECRET = "0123456789abcdef0123456789abcdef";

    @Test
    void shouldUseLoopbackPort8080AndVigilPrefixByDefault() {
        DashboardConfig config = DashboardConfig.fromEnv(Map.of("VIGIL_JWT_SECRET", SECRET));

        assertThat(config.host()).isEqualTo("127.0.0.1");
        assertThat(config.port()).isEqualTo(8080);
        assertThat(config.tablePrefix()).isEqualTo("vigil-");
        assertThat(config.dynamoDbEndpoint()).isNull();
        assertThat(config.region()).isNull();
    }

    @Test
    void shouldReadEveryVariable() {
        DashboardConfig config = DashboardConfig.fromEnv(Map.of(
                "VIGIL_JWT_SECRET", SECRET,
                "VIGIL_API_HOST", "0.0.0.0",
                "VIGIL_API_PORT", "0",
                "VIGIL_TABLE_PREFIX", "test-",
                "VIGIL_DYNAMODB_ENDPOINT", "http://localhost:8000",
                "VIGIL_REGION", "eu-central-1"));

        assertThat(config.host()).isEqualTo("0.0.0.0");
        assertThat(config.port()).isZero();
        assertThat(config.tablePrefix()).isEqualTo("test-");
        assertThat(config.dynamoDbEndpoint()).isEqualTo(URI.create("http://localhost:8000"));
        assertThat(config.region()).isEqualTo("eu-central-1");
    }

    @Test
    void shouldRefuseToStartWithoutSecretAndSayHowToSetIt() {
        assertThatThrownBy(() -> DashboardConfig.fromEnv(Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("VIGIL_JWT_SECRET is required")
                .hasMessageContaining("export VIGIL_JWT_SECRET=");
    }

    @Test
    void shouldRefuseSecretsShorterThan32BytesWithoutEchoingThem() {
        assertThatThrownBy(() -> DashboardConfig.fromEnv(Map.of("VIGIL_JWT_SECRET", "short-secret-xyz")))
                .hasMessageContaining("at least 32 bytes")
                .hasMessageNotContaining("short-secret-xyz");
    }

    @Test
    void shouldNameEveryBadVariableAtOnce() {
        Map<String, String> env = new HashMap<>();
        env.put("VIGIL_JWT_SECRET", SECRET);
        env.put("VIGIL_API_PORT", "eighty");
        env.put("VIGIL_DYNAMODB_ENDPOINT", "localhost:8000");
        env.put("VIGIL_REGION", "Mars North");

        assertThatThrownBy(() -> DashboardConfig.fromEnv(env))
                .hasMessageContaining("VIGIL_API_PORT")
                .hasMessageContaining("VIGIL_DYNAMODB_ENDPOINT")
                .hasMessageContaining("VIGIL_REGION");
    }

    @Test
    void shouldRejectPortsOutOfRange() {
        assertThatThrownBy(() -> DashboardConfig.fromEnv(Map.of("VIGIL_JWT_SECRET", SECRET, "VIGIL_API_PORT", "70000")))
                .hasMessageContaining("VIGIL_API_PORT must be 0..65535");
    }

    @Test
    void shouldNeverPrintTheSecret() {
        assertThat(DashboardConfig.local("vigil-", SECRET).toString()).doesNotContain(SECRET).contains("redacted");
    }
}
