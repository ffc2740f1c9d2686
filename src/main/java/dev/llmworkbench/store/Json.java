package dev.llmworkbench.store;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.ToNumberPolicy;
import com.google.gson.reflect.TypeToken;
import java.lang.reflect.Type;
import java.util.List;
import java.util.Map;

/** The one Gson of the store: integers stay integers when read back into plain Java values. */
final class Json {
    static final Gson GSON = new GsonBuilder()
            .disableHtmlEscaping()
            .setObjectToNumberStrategy(ToNumberPolicy.LONG_OR_DOUBLE)
            .create();

    static final Type MAP_OF_OBJECTS = new TypeToken<Map<String, Object>>() { }.getType();
    static final Type MAP_OF_STRINGS = new TypeToken<Map<String, String>>() { }.getType();
    static final Type LIST_OF_STRINGS = new TypeToken<List<String>>() { }.getType();

    private Json() {
    }
}
