package io.musc4j.run;

import com.google.gson.TypeAdapter;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import com.google.gson.stream.JsonWriter;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Metric values in category.json: a metric that is not defined for the category (NaN: image metrics
 * of a category without both classes) is written as JSON {@code null}, as metrics.json writes it, and
 * read back as NaN, so that {@code --resume} sees the value the run computed. NaN itself is not JSON.
 */
final class UndefinedAsNull extends TypeAdapter<Map<String, Double>> {

    @Override
    public void write(JsonWriter out, Map<String, Double> metrics) throws IOException {
        if (metrics == null) {
            out.nullValue();
            return;
        }
        out.beginObject();
        for (Map.Entry<String, Double> e : metrics.entrySet()) {
            out.name(e.getKey());
            Double v = e.getValue();
            if (v == null || v.isNaN()) {
                // JsonWriter skips a null value unless told to keep it, and a missing key would read as
                // "never computed" rather than "not defined"
                boolean serializeNulls = out.getSerializeNulls();
                out.setSerializeNulls(true);
                out.nullValue();
                out.setSerializeNulls(serializeNulls);
            } else {
                out.value(v.doubleValue());
            }
        }
        out.endObject();
    }

    @Override
    public Map<String, Double> read(JsonReader in) throws IOException {
        if (in.peek() == JsonToken.NULL) {
            in.nextNull();
            return null;
        }
        Map<String, Double> metrics = new LinkedHashMap<>();
        in.beginObject();
        while (in.hasNext()) {
            String name = in.nextName();
            if (in.peek() == JsonToken.NULL) {
                in.nextNull();
                metrics.put(name, Double.NaN);
            } else {
                metrics.put(name, in.nextDouble());
            }
        }
        in.endObject();
        return metrics;
    }
}
