package io.confwatch.examples.monitor;

import java.util.List;
import java.util.Optional;

/**
 * A monitor's definition as this worker reads it: the networks it watches, the addresses it cares about (none: all),
 * and the smallest transfer value it reports. ConfWatch decodes it once per change; the JSON may carry more fields.
 */
public record MonitorRule(List<String> networks, List<String> addresses, Match match) {
    public MonitorRule {
        networks = networks == null ? List.of() : List.copyOf(networks);
        addresses = addresses == null ? List.of() : List.copyOf(addresses);
        match = match == null ? new Match(0) : match;
    }

    /** What a transfer must reach to be reported. */
    public record Match(long minValue) {}

    /** Why this rule cannot be evaluated, or empty: ConfWatch then keeps serving the monitor's last good rule. */
    public static Optional<String> problem(MonitorRule rule) {
        if (rule.match().minValue() < 0) {
            return Optional.of("match.minValue must not be negative: " + rule.match().minValue());
        }
        return Optional.empty();
    }

    /** Whether {@code transfer} on {@code network} is one this rule reports. */
    public boolean matches(String network, Block.Transfer transfer) {
        return networks.contains(network)
                && transfer.value() >= match.minValue()
                && (addresses.isEmpty() || addresses.contains(transfer.from()) || addresses.contains(transfer.to()));
    }
}
