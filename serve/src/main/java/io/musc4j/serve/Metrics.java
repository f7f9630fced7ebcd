package io.musc4j.serve;

import java.util.Collection;
import java.util.Locale;
import java.util.Map;

/** The Prometheus text exposition (format 0.0.4) of the stations' figures; every name starts with musc_. */
final class Metrics {

    private Metrics() {
    }

    static String render(Collection<Station> stations) {
        StringBuilder out = new StringBuilder();
        header(out, "musc_parts_total", "counter", "Parts inspected, by verdict (kept over restarts).");
        for (Station s : stations) {
            for (Map.Entry<String, Long> e : s.figures().counts().entrySet()) {
                out.append("musc_parts_total{station=\"").append(s.id()).append("\",verdict=\"")
                        .append(e.getKey().toLowerCase(Locale.ROOT)).append("\"} ").append(e.getValue()).append('\n');
            }
        }
        header(out, "musc_inspect_seconds", "histogram",
                "Time from a part's arrival to its answer, queueing included (since the service started).");
        for (Station s : stations) {
            Latency.Snapshot l = s.figures().latency();
            String station = "station=\"" + s.id() + "\"";
            for (int i = 0; i < Latency.BOUNDS.length; i++) {
                out.append("musc_inspect_seconds_bucket{").append(station).append(",le=\"").append(Latency.BOUNDS[i])
                        .append("\"} ").append(l.buckets()[i]).append('\n');
            }
            out.append("musc_inspect_seconds_bucket{").append(station).append(",le=\"+Inf\"} ").append(l.count()).append('\n');
            out.append("musc_inspect_seconds_sum{").append(station).append("} ").append(l.sum()).append('\n');
            out.append("musc_inspect_seconds_count{").append(station).append("} ").append(l.count()).append('\n');
        }
        gauge(out, stations, "musc_bank_parts", "Parts in the station's bank.", f -> f.bankParts());
        gauge(out, stations, "musc_threshold", "The threshold the next part is judged against (NaN while warming up, "
                + "and for a station tiled by position).", f -> f.threshold());
        gauge(out, stations, "musc_queue_parts", "Parts waiting at the station.", f -> f.waiting());
        header(out, "musc_bad_images_total", "counter", "Requests refused because the image could not be read.");
        for (Station s : stations) {
            out.append("musc_bad_images_total{station=\"").append(s.id()).append("\"} ").append(s.figures().badImages())
                    .append('\n');
        }
        header(out, "musc_busy_total", "counter", "Requests refused with 503 (queue full or stopping).");
        for (Station s : stations) {
            out.append("musc_busy_total{station=\"").append(s.id()).append("\"} ").append(s.figures().refused())
                    .append('\n');
        }
        return out.toString();
    }

    private static void header(StringBuilder out, String name, String type, String help) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n');
        out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }

    private static void gauge(StringBuilder out, Collection<Station> stations, String name, String help,
            java.util.function.Function<Station.Figures, Number> value) {
        header(out, name, "gauge", help);
        for (Station s : stations) {
            Number v = value.apply(s.figures());
            String text = v instanceof Double d && d.isNaN() ? "NaN" : v.toString();
            out.append(name).append("{station=\"").append(s.id()).append("\"} ").append(text).append('\n');
        }
    }
}
