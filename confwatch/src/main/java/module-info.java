/**
 * ConfWatch as a library (DESIGN §5a): deploy it into a Vert.x application ({@link io.confwatch.ConfWatch#deploy}) or
 * start it stand-alone, then read immutable per-tenant snapshots that follow PostgreSQL.
 *
 * <p>The API is the exported packages: {@code io.confwatch} (the handle, its status, the embedded-database hook),
 * {@code io.confwatch.config} (the settings an application builds), {@code io.confwatch.model} (snapshots, entities,
 * changes, typed definitions) and {@code io.confwatch.http} (the HTTP API as a router to mount). Every other package —
 * {@code cache}, {@code db}, {@code listen}, {@code reload}, {@code metrics} — is internal: on the module path the JVM
 * refuses access to it; on the class path it is internal by contract and may change in any release.
 */
module io.confwatch {
    requires transitive io.vertx.core;
    requires transitive io.vertx.web;
    requires transitive micrometer.core;
    requires transitive micrometer.registry.prometheus;
    requires transitive com.fasterxml.jackson.databind;
    requires io.vertx.sql.client;
    requires io.vertx.sql.client.pg;
    // vertx-pg-client reads SCRAM through a static requires: without this the module is not resolved on the module
    // path, and a server asking for scram-sha-256 (PostgreSQL's default) cannot be logged into.
    requires com.ongres.scram.client;
    requires io.vertx.metrics.micrometer;
    requires io.netty.codec.http;
    requires io.netty.transport;
    requires com.fasterxml.jackson.core;
    requires com.fasterxml.jackson.datatype.jsr310;
    requires com.github.benmanes.caffeine;
    // Flyway names no module: the name is derived from its jar (flyway-core-*.jar).
    requires flyway.core;
    requires org.postgresql.jdbc;
    requires org.slf4j;
    requires java.sql;

    exports io.confwatch;
    exports io.confwatch.config;
    exports io.confwatch.model;
    exports io.confwatch.http;
    // The project's test support (an artifact of its own) applies the migrations to the databases it hands out.
    exports io.confwatch.db to
            io.confwatch.testing;

    // Flyway reads the migrations (sql/, packaged as db/migration) as resources: on the module path a package's
    // resources are readable from outside only when it is open.
    opens db.migration;

    uses io.confwatch.EmbeddedDatabase.Launcher;
}
