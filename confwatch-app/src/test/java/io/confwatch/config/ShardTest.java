package io.confwatch.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ShardTest {

    private static Shard shard(String... keyValues) {
        Map<String, String> env = new HashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            env.put(keyValues[i], keyValues[i + 1]);
        }
        return WorkerConfig.fromEnv(env).shard();
    }

    @Test
    void fromEnv_unset_isNotSharded() {
        assertThat(shard()).isEqualTo(Shard.NONE);
        assertThat(Shard.NONE.isSharded()).isFalse();
    }

    @ParameterizedTest
    @CsvSource({"0/1, 0, 1", "0/4, 0, 4", "3/4, 3, 4", "1023/1024, 1023, 1024"})
    void fromEnv_indexOfCount_isParsed(String text, int index, int count) {
        Shard shard = shard("CONFWATCH_SHARD", text);

        assertThat(shard).isEqualTo(new Shard(index, count));
        assertThat(shard).hasToString(text);
    }

    @Test
    void fromEnv_countAloneWithPodName_takesIndexFromOrdinal() {
        assertThat(shard("CONFWATCH_SHARD", "4", "CONFWATCH_POD_NAME", "confwatch-3", "HOSTNAME", "ignored-1"))
                .isEqualTo(new Shard(3, 4));
    }

    @Test
    void fromEnv_countAloneWithHostnameOnly_takesIndexFromHostname() {
        assertThat(shard("CONFWATCH_SHARD", "4", "HOSTNAME", "my-release-confwatch-0"))
                .isEqualTo(new Shard(0, 4));
    }

    @Test
    void fromEnv_countAloneWithoutOrdinal_throwsNamingBothVariables() {
        assertThatThrownBy(() -> shard("CONFWATCH_SHARD", "4", "HOSTNAME", "confwatch-7d9f8b6c5-xkq2z"))
                .isInstanceOfSatisfying(
                        ConfigException.class, e -> assertThat(e.variable()).isEqualTo("CONFWATCH_SHARD"))
                .hasMessage("CONFWATCH_SHARD=\"4\": no shard index: neither CONFWATCH_POD_NAME nor HOSTNAME ends in "
                        + "an ordinal like confwatch-3 (HOSTNAME=\"confwatch-7d9f8b6c5-xkq2z\"); set "
                        + "CONFWATCH_SHARD=i/4 instead");
    }

    @Test
    void fromEnv_countAloneAndNoNames_throwsNamingBothVariables() {
        assertThatThrownBy(() -> shard("CONFWATCH_SHARD", "2"))
                .hasMessageContaining("neither CONFWATCH_POD_NAME nor HOSTNAME")
                .hasMessageContaining("(both unset)");
    }

    @Test
    void fromEnv_podNameWithoutOrdinal_doesNotFallBackToHostname() {
        assertThatThrownBy(() -> shard("CONFWATCH_SHARD", "2", "CONFWATCH_POD_NAME", "confwatch", "HOSTNAME", "x-1"))
                .hasMessageContaining("CONFWATCH_POD_NAME=\"confwatch\"");
    }

    @Test
    void fromEnv_ordinalNotBelowCount_throws() {
        assertThatThrownBy(() -> shard("CONFWATCH_SHARD", "3", "CONFWATCH_POD_NAME", "confwatch-3"))
                .hasMessageContaining(
                        "pod ordinal 3 from CONFWATCH_POD_NAME=\"confwatch-3\" is not below the shard " + "count 3");
    }

    @Test
    void fromEnv_schemeBoth_shardUnderBothSchemes() {
        assertThat(shard("CONFWATCH_SHARD", "1/3", "CONFWATCH_SHARD_SCHEME", "both"))
                .isEqualTo(new Shard(1, 3, ShardScheme.BOTH));
        assertThat(shard("CONFWATCH_SHARD", "1/3", "CONFWATCH_SHARD_SCHEME", "SLOTS"))
                .isEqualTo(new Shard(1, 3));
        assertThat(shard("CONFWATCH_SHARD", "1/3").scheme()).isEqualTo(ShardScheme.SLOTS);
    }

    @Test
    void fromEnv_schemeWithoutShard_ownsEverything() {
        assertThat(shard("CONFWATCH_SHARD_SCHEME", "both")).isEqualTo(Shard.NONE);
    }

    @Test
    void fromEnv_unknownScheme_throwsNamingTheSetting() {
        assertThatThrownBy(() -> shard("CONFWATCH_SHARD", "1/3", "CONFWATCH_SHARD_SCHEME", "rendezvous"))
                .isInstanceOfSatisfying(
                        ConfigException.class, e -> assertThat(e.variable()).isEqualTo("CONFWATCH_SHARD_SCHEME"))
                .hasMessageContaining("rendezvous")
                .hasMessageContaining("expected slots or both");
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "4/4     | shard index must be between 0 and 3",
                "5/4     | shard index must be between 0 and 3",
                "0/0     | shard count must be between 1 and 1024",
                "0/1025  | shard count must be between 1 and 1024",
                "-1/4    | expected i/n",
                "1/      | expected i/n",
                "/4      | expected i/n",
                "a/b     | expected i/n",
                "1/2/3   | expected i/n",
                "' 1 / 4'| expected i/n",
            })
    void fromEnv_invalidShard_throws(String text, String problem) {
        assertThatThrownBy(() -> shard("CONFWATCH_SHARD", text))
                .isInstanceOfSatisfying(
                        ConfigException.class, e -> assertThat(e.variable()).isEqualTo("CONFWATCH_SHARD"))
                .hasMessageContaining(problem);
    }

    @Test
    void fromEnv_countAloneZero_throwsCountRange() {
        assertThatThrownBy(() -> shard("CONFWATCH_SHARD", "0", "CONFWATCH_POD_NAME", "confwatch-0"))
                .hasMessage("CONFWATCH_SHARD=\"0\": shard count must be between 1 and 1024");
    }
}
