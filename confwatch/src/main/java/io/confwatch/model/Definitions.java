package io.confwatch.model;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;

/**
 * The application's own types for definitions, per entity kind, with an optional validator each: ConfWatch decodes
 * every changed definition once (Jackson), keeps the value in the snapshot ({@link TenantSnapshot#typed}), and treats a
 * definition that does not decode, or that the validator rejects, like any invalid entity (not served, the last good
 * version kept, listed in {@link TenantSnapshot#invalid()}). Kinds without a registered type are served as JSON only.
 * Decoding and validators run on a Vert.x worker thread, never on an event loop, so a validator may take its time (it
 * delays only the install of that tenant's read).
 *
 * <pre>{@code
 * Definitions definitions = Definitions.builder()
 *         .register(EntityKind.MONITOR, MonitorRule.class, rule -> rule.minValue() < 0
 *                 ? Optional.of("match.minValue must not be negative") : Optional.empty())
 *         .build();
 * }</pre>
 */
public final class Definitions {
    private static final Definitions NONE = new Definitions(new EnumMap<>(EntityKind.class), new ObjectMapper());

    private final Map<EntityKind, Registration<?>> registrations;
    private final ObjectMapper mapper;

    private Definitions(Map<EntityKind, Registration<?>> registrations, ObjectMapper mapper) {
        this.registrations = registrations;
        this.mapper = mapper;
    }

    /** No types: every definition is served as its JSON text only. */
    public static Definitions none() {
        return NONE;
    }

    /** A builder of types per kind. */
    public static Builder builder() {
        return new Builder();
    }

    /** Whether no kind has a type. */
    public boolean isEmpty() {
        return registrations.isEmpty();
    }

    /**
     * {@code next} with each changed definition decoded and validated, values carried over from {@code held} for the
     * entities it already served unchanged, and each rejected entity replaced by its previous form (or dropped) and
     * listed as invalid. Returns {@code next} itself when no type is registered.
     */
    public TenantSnapshot decode(TenantSnapshot held, TenantSnapshot next) {
        if (registrations.isEmpty()) {
            return next;
        }
        Map<UUID, ConfigEntity> before = new HashMap<>();
        if (held != null) {
            held.monitors().forEach(entity -> before.put(entity.id(), entity));
            held.filters().forEach(entity -> before.put(entity.id(), entity));
            held.triggers().forEach(entity -> before.put(entity.id(), entity));
        }
        Map<UUID, Object> typed = new HashMap<>();
        List<InvalidEntity> invalid = new ArrayList<>(next.invalid());
        List<Monitor> monitors = decodeAll(next, next.monitors(), held, before, typed, invalid);
        List<Filter> filters = decodeAll(next, next.filters(), held, before, typed, invalid);
        List<Trigger> triggers = decodeAll(next, next.triggers(), held, before, typed, invalid);
        invalid.sort(java.util.Comparator.comparing(InvalidEntity::kind).thenComparing(InvalidEntity::id));
        return new TenantSnapshot(
                next.tenant(),
                next.name(),
                next.status(),
                next.version(),
                next.changedAt(),
                next.loadedAt(),
                monitors,
                filters,
                triggers,
                invalid,
                typed);
    }

    @SuppressWarnings("unchecked")
    private <E extends ConfigEntity> List<E> decodeAll(
            TenantSnapshot next,
            List<E> entities,
            TenantSnapshot held,
            Map<UUID, ConfigEntity> before,
            Map<UUID, Object> typed,
            List<InvalidEntity> invalid) {
        List<E> served = new ArrayList<>(entities.size());
        for (E entity : entities) {
            Registration<?> registration = registrations.get(entity.kind());
            if (registration == null) {
                served.add(entity);
                continue;
            }
            ConfigEntity previous = before.get(entity.id());
            Object previousValue = held == null ? null : held.typed().get(entity.id());
            if (previous != null && previousValue != null && previous.equals(entity)) {
                // Unchanged since it was decoded: once per change, not once per reload.
                served.add(entity);
                typed.put(entity.id(), previousValue);
                continue;
            }
            Decoded decoded = registration.decode(mapper, entity.definition());
            if (decoded.problem() == null) {
                served.add(entity);
                typed.put(entity.id(), decoded.value());
                continue;
            }
            invalid.add(new InvalidEntity(next.tenant(), entity.kind(), entity.id(), entity.name(), decoded.problem()));
            if (previous != null && previousValue != null && previous.kind() == entity.kind()) {
                served.add((E) previous);
                typed.put(entity.id(), previousValue);
            }
        }
        return served;
    }

    /** Collects a type (and validator) per kind. */
    public static final class Builder {
        private final Map<EntityKind, Registration<?>> registrations = new EnumMap<>(EntityKind.class);
        private ObjectMapper mapper = new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

        private Builder() {}

        /** Decodes definitions of {@code kind} into {@code type}; fields the type does not name are ignored. */
        public <T> Builder register(EntityKind kind, Class<T> type) {
            return register(kind, type, value -> Optional.empty());
        }

        /**
         * Decodes definitions of {@code kind} into {@code type}, then asks {@code validator} why a value is not valid
         * (empty when it is). A validator that throws rejects the definition with the exception's message.
         */
        public <T> Builder register(EntityKind kind, Class<T> type, Function<? super T, Optional<String>> validator) {
            requireNonNull(kind, "kind");
            registrations.put(
                    kind, new Registration<>(requireNonNull(type, "type"), requireNonNull(validator, "validator")));
            return this;
        }

        /** The Jackson mapper to decode with (its modules, its naming strategy); a lenient default otherwise. */
        public Builder objectMapper(ObjectMapper mapper) {
            this.mapper = requireNonNull(mapper, "mapper");
            return this;
        }

        /** The registrations made so far. */
        public Definitions build() {
            return new Definitions(new EnumMap<>(registrations), mapper);
        }
    }

    private record Registration<T>(Class<T> type, Function<? super T, Optional<String>> validator) {
        Decoded decode(ObjectMapper mapper, String definition) {
            T value;
            try {
                value = mapper.readValue(definition, type);
            } catch (JsonProcessingException e) {
                return new Decoded(
                        null, "definition does not fit " + type.getSimpleName() + ": " + e.getOriginalMessage());
            }
            if (value == null) {
                return new Decoded(null, "definition does not fit " + type.getSimpleName() + ": null");
            }
            try {
                Optional<String> problem = validator.apply(value);
                return problem.map(reason -> new Decoded(null, reason)).orElseGet(() -> new Decoded(value, null));
            } catch (RuntimeException e) {
                return new Decoded(null, "rejected: " + e.getMessage());
            }
        }
    }

    private record Decoded(Object value, String problem) {}
}
