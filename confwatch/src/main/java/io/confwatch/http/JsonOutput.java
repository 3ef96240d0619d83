package io.confwatch.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.UUID;

/** Streams JSON with Jackson straight into a Vert.x {@link Buffer}: no tree, no intermediate {@code String}. */
final class JsonOutput {
    private static final JsonFactory FACTORY = JsonFactory.builder().build();

    /** Writes one JSON value. */
    @FunctionalInterface
    interface Writer {
        void writeTo(JsonGenerator json) throws IOException;
    }

    private JsonOutput() {}

    /** The UTF-8 JSON that {@code writer} produces. */
    static Buffer write(Writer writer) {
        return write(/* sizeHint= */ 256, writer);
    }

    /** The UTF-8 JSON that {@code writer} produces, into a buffer sized {@code sizeHint} at first. */
    static Buffer write(int sizeHint, Writer writer) {
        Buffer buffer = Buffer.buffer(sizeHint);
        try (JsonGenerator json = FACTORY.createGenerator(new BufferOutputStream(buffer))) {
            writer.writeTo(json);
        } catch (IOException e) {
            // Only the writer's own bugs get here: the target is memory.
            throw new UncheckedIOException(e);
        }
        return buffer;
    }

    /** {@code "field": "<ISO-8601 UTC>"}, or {@code null}. */
    static void instant(JsonGenerator json, String field, Instant value) throws IOException {
        if (value == null) {
            json.writeNullField(field);
        } else {
            json.writeStringField(field, value.toString());
        }
    }

    /** {@code "field": "<uuid>"}, or {@code null}. */
    static void uuid(JsonGenerator json, String field, UUID value) throws IOException {
        if (value == null) {
            json.writeNullField(field);
        } else {
            json.writeStringField(field, value.toString());
        }
    }

    /** Appends to a buffer; Jackson's generator does its own buffering, so single bytes are rare. */
    static final class BufferOutputStream extends OutputStream {
        private final Buffer buffer;

        BufferOutputStream(Buffer buffer) {
            this.buffer = buffer;
        }

        @Override
        public void write(int b) {
            buffer.appendByte((byte) b);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) {
            buffer.appendBytes(bytes, offset, length);
        }
    }
}
