package io.confwatch.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class TenantIdParamTest {
    @Test
    void parse_canonicalUuid_returnsIt() {
        UUID id = UUID.randomUUID();

        assertThat(TenantIdParam.parse(id.toString())).contains(id);
        assertThat(TenantIdParam.parse(id.toString().toUpperCase())).contains(id);
    }

    @Test
    void parse_nonCanonical_isEmpty() {
        for (String text : Arrays.asList(
                null,
                "",
                "1-2-3-4-5",
                "123e4567e89b12d3a456426614174000",
                "{123e4567-e89b-12d3-a456-426614174000}",
                "123e4567-e89b-12d3-a456-42661417400",
                "123e4567-e89b-12d3-a456-4266141740000",
                "123e4567-e89b-12d3-a456_426614174000",
                "123e4567-e89b-12d3-a456-42661417400g",
                "+23e4567-e89b-12d3-a456-426614174000",
                "123e4567-e89b-12d3-a456-42661417400\u0660")) {
            assertThat(TenantIdParam.parse(text)).as(text).isEmpty();
        }
    }
}
