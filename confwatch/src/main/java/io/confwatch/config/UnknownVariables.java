package io.confwatch.config;

import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** Rejects {@code CONFWATCH_*} variables that are not in the catalog (typos), suggesting the likely intended one. */
final class UnknownVariables {

    static final String PREFIX = "CONFWATCH_";

    /**
     * Variables Kubernetes injects for a Service named {@code confwatch…} (service links): not settings.
     * The bare {@code …_PORT} form is recognised by its {@code tcp://} value, so {@code CONFWATCH_PORT=8080}
     * is still reported as a typo.
     */
    private static final Pattern SERVICE_LINK = Pattern.compile("CONFWATCH(_[A-Z0-9_]+)?_"
            + "(SERVICE_HOST|SERVICE_PORT(_[A-Z0-9_]+)?|PORT_[0-9]+_(TCP|UDP|SCTP)(_(PROTO|PORT|ADDR))?)");

    private static final Pattern SERVICE_LINK_PORT = Pattern.compile("CONFWATCH(_[A-Z0-9_]+)?_PORT");
    private static final Pattern SERVICE_LINK_PORT_VALUE = Pattern.compile("(tcp|udp|sctp)://.*");

    private static final List<String> KNOWN = Arrays.stream(Setting.values())
            .map(Setting::variable)
            .filter(name -> name.startsWith(PREFIX))
            .toList();

    private UnknownVariables() {}

    /** Throws for the first (alphabetically) {@code CONFWATCH_*} variable, in any case, that is not a setting. */
    static void check(Map<String, String> env) {
        for (Map.Entry<String, String> entry : new TreeMap<>(env).entrySet()) {
            String name = entry.getKey();
            if (!name.toUpperCase(Locale.ROOT).startsWith(PREFIX) || KNOWN.contains(name)) {
                continue;
            }
            if (isServiceLink(name, entry.getValue())) {
                continue;
            }
            String hint =
                    suggest(name).map(known -> "; did you mean " + known + "?").orElse("");
            // The value of an unknown variable may well be a mistyped secret: never show it.
            throw new ConfigException(
                    name, ConfigException.REDACTED, "unknown setting" + hint + " (see docs/configuration.md)");
        }
    }

    /** Whether {@code name} is a variable Kubernetes injects for a Service, not a setting. */
    static boolean isServiceLink(String name, String value) {
        return SERVICE_LINK.matcher(name).matches()
                || (SERVICE_LINK_PORT.matcher(name).matches()
                        && SERVICE_LINK_PORT_VALUE.matcher(value.strip()).matches());
    }

    /** The setting {@code name} likely meant: a small edit away, or the same words reordered, one missing or extra. */
    static Optional<String> suggest(String name) {
        String upper = name.toUpperCase(Locale.ROOT);
        String tail = upper.substring(PREFIX.length());
        Optional<String> closest = KNOWN.stream()
                .min(Comparator.comparingInt(known -> distance(upper, known)))
                .filter(known -> distance(upper, known) <= Math.max(2, tail.length() / 5));
        if (closest.isPresent()) {
            return closest;
        }
        Set<String> words = words(tail);
        Map<String, Integer> related = new TreeMap<>();
        for (String known : KNOWN) {
            Set<String> knownWords = words(known.substring(PREFIX.length()));
            int extra = Math.abs(knownWords.size() - words.size());
            if (!words.isEmpty() && extra <= 1 && (knownWords.containsAll(words) || words.containsAll(knownWords))) {
                related.put(known, extra);
            }
        }
        int fewest = related.values().stream().mapToInt(Integer::intValue).min().orElse(0);
        List<String> best = related.keySet().stream()
                .filter(known -> related.get(known) == fewest)
                .toList();
        return best.size() == 1 ? Optional.of(best.get(0)) : Optional.empty();
    }

    private static Set<String> words(String tail) {
        return Arrays.stream(tail.split("_+")).filter(word -> !word.isEmpty()).collect(Collectors.toSet());
    }

    /** Levenshtein distance. */
    static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
