package dev.llmworkbench.domain;

import java.util.Objects;

/** {@code response_format}: plain text, JSON mode, or JSON constrained by a schema. */
public record ResponseFormat(Type type, String schemaName, String schemaJson, boolean strict) {
    public enum Type { TEXT, JSON_OBJECT, JSON_SCHEMA }

    public ResponseFormat {
        Objects.requireNonNull(type, "type");
        if (type == Type.JSON_SCHEMA && (schemaJson == null || schemaJson.isBlank())) {
            throw new IllegalArgumentException("a JSON schema response format needs a schema");
        }
        if (type == Type.JSON_SCHEMA && (schemaName == null || schemaName.isBlank())) {
            schemaName = "response";
        }
    }

    public static ResponseFormat text() {
        return new ResponseFormat(Type.TEXT, null, null, false);
    }

    public static ResponseFormat jsonObject() {
        return new ResponseFormat(Type.JSON_OBJECT, null, null, false);
    }

    public static ResponseFormat jsonSchema(String name, String schemaJson, boolean strict) {
        return new ResponseFormat(Type.JSON_SCHEMA, name, schemaJson, strict);
    }
}
