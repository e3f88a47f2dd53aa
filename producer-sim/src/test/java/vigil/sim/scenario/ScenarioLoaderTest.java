package vigil.sim.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/** The scenario format: every ready-made scenario loads, errors name their place, runs are deterministic by seed. */
class ScenarioLoaderTest {

    static Iterable<String> builtIn() {
        return ScenarioLoader.BUILT_IN;
    }

    @ParameterizedTest
    @MethodSource("builtIn")
    void shouldLoadEveryReadyMadeScenario(String name) throws Exception {
        Scenario scenario = ScenarioLoader.load(name);

        assertThat(scenario.name()).isEqualTo(name);
        assertThat(scenario.description()).isNotBlank();
        assertThat(scenario.deviceCount()).isPositive();
        assertThat(scenario.createDevices(0)).hasSize(scenario.deviceCount());
    }

    @Test
    void shouldReadJsonAsWellAsYamlWithDefaults() throws Exception {
        String json = "{\"name\":\"j\",\"duration\":\"2m\",\"devices\":[{\"type\":\"dialysis\",\"count\":2}],"
                + "\"faults\":[{\"type\":\"filterHours\",\"at\":\"30s\",\"group\":\"DIAL\",\"count\":1,\"hours\":880}]}";
        Scenario s = parse(json);

        assertThat(s.interval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(s.start()).isEqualTo(ScenarioLoader.DEFAULT_START);
        assertThat(s.faults()).singleElement().satisfies(f -> {
            assertThat(f.kind()).isEqualTo(FaultKind.FILTER_HOURS);
            assertThat(f.deviceIds()).containsExactly("DIAL-0001");
            assertThat(f.parameter("hours", 0)).isEqualTo(880.0);
        });
    }

    @Test
    void shouldNameThePlaceOfAnUnknownKeyAMissingParameterAndAFaultOfTheWrongDeviceType() {
        String head = "name: x\nduration: 1m\ndevices:\n  - {type: infusion_pump, count: 2}\nfaults:\n";
        assertThatThrownBy(() -> parse(head + "  - {type: flowDrift, at: 1m, group: PUMP, pcnt: 8}\n"))
                .hasMessageContaining("faults[0].pcnt: unknown key");
        assertThatThrownBy(() -> parse(head + "  - {type: flowDrift, at: 1m, group: PUMP}\n"))
                .hasMessageContaining("faults[0].pct: a number is required");
        assertThatThrownBy(() -> parse(head + "  - {type: filterHours, at: 1m, group: PUMP, hours: 880}\n"))
                .hasMessageContaining("filterHours does not apply to PUMP-0001");
        assertThatThrownBy(() -> parse(head + "  - {type: silence, at: 1m, devices: [PUMP-0009]}\n"))
                .hasMessageContaining("silence needs 'for'");
        assertThatThrownBy(() -> parse(head + "  - {type: nosuch, at: 1m, group: PUMP}\n"))
                .hasMessageContaining("faults[0].type: unknown fault type 'nosuch'");
    }

    @Test
    void shouldGiveTheSameRecordsForTheSameScenarioAndSeedAndOthersForAnotherSeed() {
        Scenario scenario = ScenarioRuns.load("busy-ward").withDuration(Duration.ofMinutes(2));

        String first = ScenarioRuns.run(scenario).text();
        String second = ScenarioRuns.run(scenario).text();
        String otherSeed = ScenarioRuns.run(scenario.withSeed(99)).text();

        assertThat(first).hasLineCount(150 * 120); // 150 devices x 120 s (the faults come later)
        assertThat(second).isEqualTo(first);
        assertThat(otherSeed).isNotEqualTo(first);
    }

    private static Scenario parse(String text) throws Exception {
        return ScenarioLoader.parse(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), "test");
    }
}
