package io.confwatch.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.confwatch.bench.BenchOptions;
import java.util.List;
import org.junit.jupiter.api.Test;

class BenchCommandTest {
    @Test
    void parse_noOptions_defaultsWithTheHttpScenariosLast() {
        BenchOptions options = BenchCommand.parse(List.of());
        assertThat(options).isEqualTo(BenchOptions.defaults());
        assertThat(options.scenarios()).endsWith("http-reads", "http-propagation");
        assertThat(options.httpTenants()).isEqualTo(1_000);
        assertThat(options.httpEntities()).isEqualTo(20);
        assertThat(options.connections()).isEqualTo(16);
        assertThat(options.httpRate()).isZero();
    }

    @Test
    void parse_httpOptions() {
        BenchOptions options = BenchCommand.parse(List.of(
                "--scenarios", "http-reads",
                "--http-tenants", "50",
                "--http-entities", "3",
                "--connections", "4",
                "--http-rate", "3000",
                "--duration", "2s"));
        assertThat(options.scenarios()).containsExactly("http-reads");
        assertThat(options.httpTenants()).isEqualTo(50);
        assertThat(options.httpEntities()).isEqualTo(3);
        assertThat(options.connections()).isEqualTo(4);
        assertThat(options.httpRate()).isEqualTo(3000);
        assertThat(options.duration()).hasSeconds(2);
    }

    @Test
    void parse_badConnections_isAUsageError() {
        assertThatThrownBy(() -> BenchCommand.parse(List.of("--connections", "0")))
                .isInstanceOf(Cli.UsageException.class)
                .hasMessageContaining("--connections");
        assertThatThrownBy(() -> BenchCommand.parse(List.of("--http-rate", "-5")))
                .isInstanceOf(Cli.UsageException.class)
                .hasMessageContaining("--http-rate");
        assertThat(BenchCommand.parse(List.of("--http-rate", "0")).httpRate()).isZero();
    }
}
