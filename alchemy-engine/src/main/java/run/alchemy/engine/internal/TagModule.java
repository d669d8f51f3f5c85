package run.alchemy.engine.internal;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import run.alchemy.api.JsSymbol;
import run.alchemy.api.Schema;
import run.alchemy.api.Secret;
import run.alchemy.engine.internal.json.JsBase64;
import run.alchemy.engine.internal.json.JsDates;
import run.alchemy.engine.internal.json.JsKeys;

import java.io.IOException;
import java.time.Instant;
import java.util.Date;
import java.util.OptionalLong;

/**
 * Alchemy's tagged values (spec §3) as Jackson serializers and deserializers: dates as
 * {@code {"@date": iso}}, bytes as {@code {"@buffer": base64}}, symbols, schemas; secrets travel as
 * embedded objects, sealed or revealed by {@link StateSerde} when a record is written or read.
 */
final class TagModule {
    private TagModule() {
    }

    static SimpleModule create() {
            SimpleModule tags = new SimpleModule("alchemy-tags");
            tags.addSerializer(Secret.class, new StdSerializer<>(Secret.class) {
                @Override
                public void serialize(Secret value, JsonGenerator gen, SerializerProvider p) throws IOException {
                    gen.writeEmbeddedObject(value);
                }
            });
            tags.addSerializer(Instant.class, new StdSerializer<>(Instant.class) {
                @Override
                public void serialize(Instant value, JsonGenerator gen, SerializerProvider p) throws IOException {
                    tagged(gen, "@date", JsDates.iso(value.toEpochMilli()));
                }
            });
            tags.addSerializer(Date.class, new StdSerializer<>(Date.class) {
                @Override
                public void serialize(Date value, JsonGenerator gen, SerializerProvider p) throws IOException {
                    tagged(gen, "@date", JsDates.iso(value.getTime()));
                }
            });
            tags.addSerializer(byte[].class, new StdSerializer<>(byte[].class) {
                @Override
                public void serialize(byte[] value, JsonGenerator gen, SerializerProvider p) throws IOException {
                    tagged(gen, "@buffer", JsBase64.encode(value));
                }
            });
            tags.addSerializer(JsSymbol.class, new StdSerializer<>(JsSymbol.class) {
                @Override
                public void serialize(JsSymbol value, JsonGenerator gen, SerializerProvider p) throws IOException {
                    tagged(gen, "@symbol", value.toString());
                }
            });
            tags.addSerializer(Schema.class, new StdSerializer<>(Schema.class) {
                @Override
                public void serialize(Schema value, JsonGenerator gen, SerializerProvider p) throws IOException {
                    gen.writeStartObject();
                    gen.writeFieldName("@schema");
                    p.defaultSerializeValue(value.value(), gen);
                    gen.writeEndObject();
                }
            });
            tags.addDeserializer(Secret.class, new StdDeserializer<>(Secret.class) {
                @Override
                public Secret deserialize(JsonParser p, DeserializationContext ctx) throws IOException {
                    if (p.currentToken() == JsonToken.VALUE_EMBEDDED_OBJECT) {
                        return SealedSecret.unwrap(p.getEmbeddedObject());
                    }
                    return (Secret) ctx.handleUnexpectedToken(Secret.class, p);
                }
            });
            tags.addDeserializer(Instant.class, new StdDeserializer<>(Instant.class) {
                @Override
                public Instant deserialize(JsonParser p, DeserializationContext ctx) throws IOException {
                    String text = taggedText(p, ctx, "@date");
                    OptionalLong millis = JsDates.parse(text);
                    if (millis.isEmpty()) {
                        return (Instant) ctx.handleWeirdStringValue(Instant.class, text, "not an ISO date");
                    }
                    return Instant.ofEpochMilli(millis.getAsLong());
                }
            });
            tags.addDeserializer(byte[].class, new StdDeserializer<>(byte[].class) {
                @Override
                public byte[] deserialize(JsonParser p, DeserializationContext ctx) throws IOException {
                    return JsBase64.decodeLenient(taggedText(p, ctx, "@buffer"));
                }
            });
            tags.addDeserializer(JsSymbol.class, new StdDeserializer<>(JsSymbol.class) {
                @Override
                public JsSymbol deserialize(JsonParser p, DeserializationContext ctx) throws IOException {
                    String text = taggedText(p, ctx, "@symbol");
                    return new JsSymbol(JsKeys.isSymbol(text) ? JsKeys.symbolDescription(text) : text);
                }
            });
            tags.addDeserializer(Schema.class, new StdDeserializer<>(Schema.class) {
                @Override
                public Schema deserialize(JsonParser p, DeserializationContext ctx) throws IOException {
                    JsonNode node = ctx.readTree(p);
                    JsonNode inner = node.isObject() && node.has("@schema") ? node.get("@schema") : node;
                    return new Schema(ctx.readTreeAsValue(inner, Object.class));
                }
            });
        return tags;
    }

    private static void tagged(JsonGenerator gen, String tag, String value) throws IOException {
        gen.writeStartObject();
        gen.writeStringField(tag, value);
        gen.writeEndObject();
    }

    private static String taggedText(JsonParser p, DeserializationContext ctx, String tag) throws IOException {
        JsonNode node = ctx.readTree(p);
        JsonNode inner = node.isObject() ? node.get(tag) : node;
        if (inner == null || !inner.isTextual()) {
            throw ctx.weirdStringException(node.toString(), String.class, "expected {\"" + tag + "\": string}");
        }
        return inner.textValue();
    }
}
