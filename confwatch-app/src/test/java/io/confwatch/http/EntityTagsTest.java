package io.confwatch.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class EntityTagsTest {
    @Test
    void of_version_isQuotedDecimal() {
        assertThat(EntityTags.of(0)).isEqualTo("\"0\"");
        assertThat(EntityTags.of(42)).isEqualTo("\"42\"");
    }

    @Test
    void anyMatches_sameVersionInAnySpelling_matches() {
        for (String header : List.of(
                "\"42\"", "W/\"42\"", "\"1\", \"42\"", "\"1\",W/\"42\"", " \t\"42\" ", "*", "\"7\" , W/\"42\" ,")) {
            assertThat(EntityTags.anyMatches(List.of(header), 42)).as(header).isTrue();
        }
    }

    @Test
    void anyMatches_otherVersionOrMalformed_doesNotMatch() {
        for (String header :
                List.of("\"41\"", "\"420\"", "\"4\"", "42", "W/42", "\"42", "w/\"42\"", "", "\"\"", "garbage \"42\"")) {
            assertThat(EntityTags.anyMatches(List.of(header), 42)).as(header).isFalse();
        }
    }

    @Test
    void anyMatches_severalHeaders_matchesIfAnyDoes() {
        assertThat(EntityTags.anyMatches(List.of("\"1\"", "\"42\""), 42)).isTrue();
        assertThat(EntityTags.anyMatches(List.of(), 42)).isFalse();
    }
}
