package vigil.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class DemoOptionsTest {

    @Test
    void shouldDefaultToPlainRecordsAndOneRecordPerDevicePerSecond() {
        DemoOptions o = DemoOptions.parse(new String[] {"--pumps", "20", "--dialysis", "5"});

        assertThat(o.aggregate()).isFalse();
        assertThat(o.rate()).isEqualTo(25.0);
        assertThat(o.simulate()).isTrue();
    }

    @Test
    void shouldTurnOnKplAggregationForTheSimulator() {
        assertThat(DemoOptions.parse(new String[] {"--aggregate"}).aggregate()).isTrue();
    }

    @Test
    void shouldRefuseAggregationWithoutTheSimulatorAndNameEveryProblem() {
        assertThatThrownBy(() -> DemoOptions.parse(new String[] {"--no-sim", "--aggregate", "--shards", "0"}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--aggregate is an option of the simulator")
                .hasMessageContaining("--shards must be 1..64");
    }

    @Test
    void shouldDocumentEveryOption() {
        assertThat(DemoOptions.USAGE).contains("--pumps", "--dialysis", "--rate", "--no-sim", "--aggregate",
                "--shards", "--api-port", "--kinesis-port", "--dynamodb-port", "--seed", "--help");
    }
}
