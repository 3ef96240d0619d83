package io.confwatch.model;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DefinitionValidatorTest {

    @ParameterizedTest
    @ValueSource(
            strings = {
                "{\"networks\":[\"ethereum_mainnet\"]}",
                "{\"networks\":[\"a\",\"b\"],\"addresses\":[\"0xabc\"],\"match\":{\"event\":\"Transfer\"}}"
            })
    void problem_validMonitor_isEmpty(String definition) {
        assertThat(DefinitionValidator.problem(EntityKind.MONITOR, definition)).isEmpty();
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "{}|networks must be a non-empty array of strings",
                "{\"networks\":[]}|networks must be a non-empty array of strings",
                "{\"networks\":\"eth\"}|networks must be a non-empty array of strings",
                "{\"networks\":[1]}|networks must be a non-empty array of strings",
                "{\"networks\":[\" \"]}|networks must be a non-empty array of strings",
                "{\"networks\":[\"eth\"],\"addresses\":\"0x1\"}|addresses must be an array of strings",
                "{\"networks\":[\"eth\"],\"match\":[]}|match must be a JSON object",
                "[1,2]|definition must be a JSON object",
                "not json|definition is not JSON"
            })
    void problem_invalidMonitor_namesTheField(String definition, String reason) {
        assertThat(DefinitionValidator.problem(EntityKind.MONITOR, definition))
                .hasValueSatisfying(p -> assertThat(p).startsWith(reason));
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "{\"expression\":\"value > 10\"}|",
                "{}|expression must be a non-empty string",
                "{\"expression\":\"\"}|expression must be a non-empty string",
                "{\"expression\":42}|expression must be a non-empty string"
            })
    void problem_filter_requiresExpression(String definition, String reason) {
        if (reason == null) {
            assertThat(DefinitionValidator.problem(EntityKind.FILTER, definition))
                    .isEmpty();
        } else {
            assertThat(DefinitionValidator.problem(EntityKind.FILTER, definition))
                    .contains(reason);
        }
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "{\"type\":\"webhook\",\"url\":\"https://example.com/hook\"}|",
                "{\"type\":\"slack\",\"url\":\"http://hooks.local/x\"}|",
                "{\"type\":\"email\",\"to\":\"ops@example.com\"}|",
                "{\"type\":\"email\",\"to\":[\"a@example.com\",\"b@example.com\"]}|",
                "{\"type\":\"script\",\"path\":\"/opt/alert.sh\"}|",
                "{}|type must be one of webhook, slack, email, script",
                "{\"type\":\"pager\"}|type must be one of webhook, slack, email, script",
                "{\"type\":\"webhook\"}|url must be a non-empty string",
                "{\"type\":\"webhook\",\"url\":\"ftp://x/y\"}|url must be an http(s) URL",
                "{\"type\":\"slack\",\"url\":\"not a url\"}|url must be an http(s) URL",
                "{\"type\":\"email\",\"to\":[]}|to must be an address or a non-empty array of addresses",
                "{\"type\":\"script\",\"path\":\"\"}|path must be a non-empty string"
            })
    void problem_trigger_checksFieldsOfItsType(String definition, String reason) {
        if (reason == null) {
            assertThat(DefinitionValidator.problem(EntityKind.TRIGGER, definition))
                    .isEmpty();
        } else {
            assertThat(DefinitionValidator.problem(EntityKind.TRIGGER, definition))
                    .contains(reason);
        }
    }
}
