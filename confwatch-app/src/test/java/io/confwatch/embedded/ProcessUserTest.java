package io.confwatch.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ProcessUserTest {

    @Test
    void isRoot_agreesWithIdU() throws IOException, InterruptedException {
        Process id = new ProcessBuilder("id", "-u").redirectErrorStream(true).start();
        assertThat(id.waitFor(30, TimeUnit.SECONDS)).isTrue();
        String uid = new String(id.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();

        assertThat(ProcessUser.isRoot()).isEqualTo(uid.equals("0"));
    }
}
