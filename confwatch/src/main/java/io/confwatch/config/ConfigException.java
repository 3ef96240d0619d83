package io.confwatch.config;

import static java.util.Objects.requireNonNull;

/** Bad configuration: names the variable, the offending value (redacted for secrets) and what is wrong. */
public final class ConfigException extends RuntimeException {

    /** What is shown instead of a secret value. */
    public static final String REDACTED = "<redacted>";

    private static final int MAX_SHOWN_CHARS = 200;

    private final String variable;
    private final String value;
    private final String problem;

    /** A problem with {@code variable}; {@code value} is shown as given, so callers redact secrets first. */
    public ConfigException(String variable, String value, String problem) {
        super(message(requireNonNull(variable, "variable"), requireNonNull(value, "value"), problem));
        this.variable = variable;
        this.value = value;
        this.problem = problem;
    }

    /** A problem with a cataloged setting, its value redacted as the setting requires. */
    static ConfigException of(Setting setting, String rawValue, String problem) {
        requireNonNull(rawValue, "rawValue");
        return new ConfigException(setting.variable(), setting.redact(rawValue), problem);
    }

    /** The environment variable at fault, e.g. {@code CONFWATCH_SWEEP_INTERVAL}. */
    public String variable() {
        return variable;
    }

    /** The offending value as shown in the message: {@link #REDACTED} (or partly so) for secrets. */
    public String value() {
        return value;
    }

    /** What is wrong, without the variable and value, e.g. {@code must be positive}. */
    public String problem() {
        return problem;
    }

    private static String message(String variable, String value, String problem) {
        requireNonNull(problem, "problem");
        String shown = value.equals(REDACTED) ? REDACTED : quote(value);
        return variable + "=" + shown + ": " + problem;
    }

    /** Quotes a value for a one-line message: escapes quotes and control characters, truncates long values. */
    static String quote(String value) {
        String text = value.length() > MAX_SHOWN_CHARS ? value.substring(0, MAX_SHOWN_CHARS) + "…" : value;
        StringBuilder out = new StringBuilder(text.length() + 2).append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (Character.isISOControl(c)) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }
}
