package io.confwatch.config;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/** Typed reads of an environment snapshot; an unset or blank variable is absent, defaults come from {@link Setting}. */
final class Env {

    private final Map<String, String> vars;

    Env(Map<String, String> vars) {
        this.vars = Map.copyOf(requireNonNull(vars, "env"));
    }

    /** A variable's value, trimmed; absent when unset or blank. Secrets are kept verbatim (only blank means unset). */
    Optional<String> get(String name) {
        String value = vars.get(name);
        if (value == null || value.isBlank()) {
            return Optional.empty();
        }
        boolean verbatim =
                name.equals(Setting.PGPASSWORD.variable()) || name.equals(Setting.CONFWATCH_ADMIN_TOKEN.variable());
        return Optional.of(verbatim ? value : value.strip());
    }

    /** A setting's value; absent when unset or blank. */
    Optional<String> get(Setting setting) {
        return get(setting.variable());
    }

    /** A setting's value, or its literal default from the catalog. */
    String text(Setting setting) {
        return get(setting).orElseGet(() -> setting.defaultValue()
                .orElseThrow(() -> new IllegalStateException(setting + " has no literal default")));
    }

    /** A duration setting, parsed with {@link Durations#parse}. */
    Duration duration(Setting setting) {
        String text = text(setting);
        try {
            return Durations.parse(text);
        } catch (IllegalArgumentException e) {
            throw ConfigException.of(setting, text, e.getMessage());
        }
    }

    /** A whole-number setting; its range is checked by the record that holds it. */
    int integer(Setting setting) {
        return integer(setting, text(setting));
    }

    /** {@code text} of {@code setting} as a whole number. */
    static int integer(Setting setting, String text) {
        if (!text.matches("[+-]?[0-9]+")) {
            throw ConfigException.of(setting, text, "not a whole number");
        }
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw ConfigException.of(setting, text, "out of range");
        }
    }

    /** A setting with a fixed set of spellings, matched case-insensitively. */
    <T> T choice(Setting setting, Function<String, Optional<T>> parser, String names) {
        String text = text(setting);
        return parser.apply(text).orElseThrow(() -> ConfigException.of(setting, text, "must be one of " + names));
    }
}
