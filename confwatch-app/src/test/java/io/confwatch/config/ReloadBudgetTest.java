package io.confwatch.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ReloadBudgetTest {
    @Test
    void parse_fractionPercentageAndMillisPerSecond_areTheSameBudget() {
        assertThat(ReloadBudget.parse("0.1").fraction()).isEqualTo(0.1);
        assertThat(ReloadBudget.parse("10%").fraction()).isEqualTo(0.1);
        assertThat(ReloadBudget.parse("100ms/s").fraction()).isEqualTo(0.1);
        assertThat(ReloadBudget.parse(" 250 ms / s ").fraction()).isEqualTo(0.25);
        assertThat(ReloadBudget.parse("1").unpaced()).isTrue();
        assertThat(ReloadBudget.parse("1000ms/s").unpaced()).isTrue();
        assertThat(ReloadBudget.parse("100ms/s")).hasToString("100ms/s");
        assertThat(ReloadBudget.parse("0.0125")).hasToString("12.5ms/s");
    }

    @Test
    void parse_badValues_failNamingTheSettingAndTheValue() {
        for (String bad : new String[] {"0", "0%", "1.5", "2000ms/s", "fast", "-0.1", "10 percent", "0.0001"}) {
            assertThatThrownBy(() -> ReloadBudget.parse(bad))
                    .as(bad)
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("CONFWATCH_FULL_RELOAD_BUDGET")
                    .hasMessageContaining(bad);
        }
    }

    @Test
    void workerConfig_fromEnvWithABadBudget_failsFastNamingIt() {
        assertThatThrownBy(() -> WorkerConfig.fromEnv(Map.of("CONFWATCH_FULL_RELOAD_BUDGET", "lots")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("CONFWATCH_FULL_RELOAD_BUDGET")
                .hasMessageContaining("lots");
        assertThat(WorkerConfig.fromEnv(Map.of("CONFWATCH_FULL_RELOAD_BUDGET", "20%"))
                        .reload()
                        .fullReloadBudget()
                        .fraction())
                .isEqualTo(0.2);
    }
}
