package io.musc4j.serve;

import com.google.gson.FieldNamingPolicy;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;

/** The service's one JSON form: snake_case names, nulls written (a missing score reads as null, not absent). */
final class Json {

    static final Gson GSON = new GsonBuilder().setFieldNamingPolicy(FieldNamingPolicy.LOWER_CASE_WITH_UNDERSCORES)
            .serializeNulls().disableHtmlEscaping().create();

    /** Indented, for files people read. */
    static final Gson PRETTY = GSON.newBuilder().setPrettyPrinting().create();

    private Json() {
    }
}
