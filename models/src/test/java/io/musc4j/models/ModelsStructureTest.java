package io.musc4j.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.spi.ToolProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * No dependency circle inside the models module, between classes or between packages, read by the JDK's
 * jdeps from the compiled classes (a nested class counts as its outer class).
 */
class ModelsStructureTest {

    private static final Pattern EDGE = Pattern.compile("\\s+(io\\.musc4j\\.models\\S*)\\s+->\\s+(io\\.musc4j\\.models\\S*)\\s.*");

    private static Map<String, Set<String>> classes;

    @BeforeAll
    static void readDependencies() throws URISyntaxException {
        Path compiled = Path.of(Backbones.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        ToolProvider jdeps = ToolProvider.findFirst("jdeps").orElseThrow();
        StringWriter out = new StringWriter();
        int rc = jdeps.run(new PrintWriter(out), new PrintWriter(out), "-verbose:class", "-filter:none",
                compiled.toString());
        assertEquals(0, rc, out.toString());
        classes = new TreeMap<>();
        for (String line : out.toString().split("\n")) {
            Matcher m = EDGE.matcher(line);
            if (m.matches()) {
                String from = outer(m.group(1));
                String to = outer(m.group(2));
                if (!from.equals(to)) {
                    classes.computeIfAbsent(from, k -> new TreeSet<>()).add(to);
                }
            }
        }
        assertTrue(classes.containsKey(Backbones.class.getName()), "jdeps saw no models classes: " + out);
    }

    @Test
    void noCircleBetweenClasses() {
        assertEquals(List.of(), circles(classes), "classes that depend on each other");
    }

    @Test
    void noCircleBetweenPackages() {
        Map<String, Set<String>> packages = new TreeMap<>();
        classes.forEach((from, tos) -> tos.forEach(to -> {
            if (!pkg(from).equals(pkg(to))) {
                packages.computeIfAbsent(pkg(from), k -> new TreeSet<>()).add(pkg(to));
            }
        }));
        assertTrue(packages.get("io.musc4j.models").contains("io.musc4j.models.layout"), packages.toString());
        assertEquals(List.of(), circles(packages), "packages that depend on each other: " + packages);
    }

    private static String outer(String name) {
        int dollar = name.indexOf('$');
        return dollar < 0 ? name : name.substring(0, dollar);
    }

    private static String pkg(String cls) {
        return cls.substring(0, cls.lastIndexOf('.'));
    }

    /** The strongly connected components of more than one node (Tarjan's algorithm). */
    static List<Set<String>> circles(Map<String, Set<String>> graph) {
        Map<String, Integer> index = new HashMap<>();
        Map<String, Integer> low = new HashMap<>();
        Deque<String> stack = new ArrayDeque<>();
        List<Set<String>> found = new ArrayList<>();
        Function<String, Set<String>> next = n -> graph.getOrDefault(n, Set.of());
        for (String start : graph.keySet()) {
            if (!index.containsKey(start)) {
                visit(start, next, index, low, stack, found);
            }
        }
        return found;
    }

    private static void visit(String v, Function<String, Set<String>> next, Map<String, Integer> index,
            Map<String, Integer> low, Deque<String> stack, List<Set<String>> found) {
        index.put(v, index.size());
        low.put(v, index.get(v));
        stack.push(v);
        for (String w : next.apply(v)) {
            if (!index.containsKey(w)) {
                visit(w, next, index, low, stack, found);
                low.put(v, Math.min(low.get(v), low.get(w)));
            } else if (stack.contains(w)) {
                low.put(v, Math.min(low.get(v), index.get(w)));
            }
        }
        if (low.get(v).equals(index.get(v))) {
            Set<String> component = new TreeSet<>();
            String w;
            do {
                w = stack.pop();
                component.add(w);
            } while (!w.equals(v));
            if (component.size() > 1) {
                found.add(component);
            }
        }
    }

    /** The check finds a circle where there is one, so its empty answers mean something. */
    @Test
    void findsACircle() {
        assertEquals(List.of(Set.of("a", "b", "c")), circles(Map.of("a", Set.of("b"), "b", Set.of("c"), "c",
                Set.of("a", "d"), "d", Set.of())));
    }
}
