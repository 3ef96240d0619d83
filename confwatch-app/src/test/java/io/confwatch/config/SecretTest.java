package io.confwatch.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import org.junit.jupiter.api.Test;

class SecretTest {

    @Test
    void toString_always_isRedacted() {
        assertThat(Secret.of("hunter2-hunter2-hunter2")).hasToString("<redacted>");
    }

    @Test
    void reveal_always_returnsValue() {
        assertThat(Secret.of("hunter2").reveal()).isEqualTo("hunter2");
    }

    @Test
    void matches_sameValue_isTrue() {
        assertThat(Secret.of("s3cr3t-token-value").matches("s3cr3t-token-value"))
                .isTrue();
    }

    @Test
    void matches_otherValueOrLength_isFalse() {
        Secret secret = Secret.of("s3cr3t-token-value");

        assertThat(secret.matches("s3cr3t-token-valuf")).isFalse();
        assertThat(secret.matches("s3cr3t")).isFalse();
        assertThat(secret.matches("")).isFalse();
    }

    @Test
    void equals_sameValue_isTrue() {
        assertThat(Secret.of("a")).isEqualTo(Secret.of("a")).isNotEqualTo(Secret.of("b"));
    }

    @Test
    void of_empty_throwsIllegalArgument() {
        assertThatIllegalArgumentException().isThrownBy(() -> Secret.of(""));
    }
}
