package io.musc4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.jar.JarFile;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every {@code ```java} block of README.md and docs/*.md compiles against the current code (this
 * module's test class path holds every module the documentation speaks of). The convention, stated in
 * docs/java-api.md: a block is a method body with its imports above it, {@code java.util},
 * {@code java.nio.file} and {@code java.io} imported implicitly; a block that declares a type is a
 * whole compilation unit. A block that does not compile fails the test naming its file and line.
 */
class DocSnippetsTest {

    private static final Path ROOT = Path.of(System.getProperty("musc4j.testdata")).toAbsolutePath().normalize().getParent();
    private static final Pattern TYPE = Pattern.compile("(?m)^(public\\s+)?(final\\s+|abstract\\s+)*(class|record|interface|enum)\\s+(\\w+)");
    private static final List<String> IMPLICIT = List.of("java.util.*", "java.nio.file.*", "java.io.*");

    /** One {@code ```java} block: its file, the line of its first code line, its lines. */
    record Snippet(Path file, int firstLine, List<String> lines) {
    }

    @Test
    void everyJavaSnippetInTheDocumentationCompiles(@TempDir Path out) throws IOException {
        List<Path> files = new ArrayList<>();
        files.add(ROOT.resolve("README.md"));
        try (Stream<Path> docs = Files.list(ROOT.resolve("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(files::add);
        }
        List<Snippet> snippets = new ArrayList<>();
        for (Path f : files) {
            snippets.addAll(snippets(f, Files.readAllLines(f)));
        }
        assertTrue(snippets.stream().anyMatch(s -> s.file().endsWith("README.md")), "README.md has no Java example");
        assertTrue(snippets.size() >= 3, "found only " + snippets.size() + " Java snippets");
        assertEquals("", compile(snippets, out));
    }

    /** The check reports a snippet that does not compile with its file and line. */
    @Test
    void aSnippetThatDoesNotCompileIsNamedByFileAndLine(@TempDir Path out) {
        Path file = Path.of("docs/example.md");
        List<String> md = List.of("# Example", "", "```java", "import io.musc4j.engine.MuSc;", "",
                "MuSc musc = MuSc.builder().noSuchOption(3).build();", "```", "",
                "```java", "List<Path> fine = List.of(Path.of(\"a.png\"));", "```");
        List<Snippet> found = snippets(file, md);
        assertEquals(2, found.size());
        assertEquals(4, found.get(0).firstLine());
        String errors = compile(found, out);
        assertTrue(errors.startsWith("docs/example.md:6: "), errors);
        assertTrue(errors.contains("noSuchOption"), errors);
        assertFalse(errors.contains("example.md:10"), errors);
    }

    static List<Snippet> snippets(Path file, List<String> md) {
        List<Snippet> found = new ArrayList<>();
        for (int i = 0; i < md.size(); i++) {
            if (md.get(i).strip().equals("```java")) {
                int start = i + 1;
                int end = start;
                while (end < md.size() && !md.get(end).strip().startsWith("```")) {
                    end++;
                }
                found.add(new Snippet(file, start + 1, md.subList(start, end)));
                i = end;
            }
        }
        return found;
    }

    /** Compiles every snippet in one pass; the errors, one line each as "file:line: message", or "". */
    static String compile(List<Snippet> snippets, Path out) {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        List<Source> sources = new ArrayList<>();
        for (int i = 0; i < snippets.size(); i++) {
            sources.add(Source.of(snippets.get(i), "snippet" + i));
        }
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        try (StandardJavaFileManager files = javac.getStandardFileManager(diagnostics, Locale.ROOT, null)) {
            List<String> options = List.of("-d", out.toString(), "-proc:none", "-classpath", classPath());
            javac.getTask(null, files, diagnostics, options, null, sources).call();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        StringBuilder errors = new StringBuilder();
        for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
            if (d.getKind() == Diagnostic.Kind.ERROR && d.getSource() instanceof Source s) {
                Snippet snippet = s.snippet;
                String where = ROOT.relativize(ROOT.resolve(snippet.file())).toString().replace(File.separatorChar, '/');
                errors.append(where).append(':').append(s.markdownLine(d.getLineNumber())).append(": ")
                        .append(d.getMessage(Locale.ROOT).lines().map(String::strip).collect(Collectors.joining("; ")))
                        .append('\n');
            }
        }
        return errors.toString();
    }

    /**
     * The test class path; under a forked surefire it is a manifest-only jar whose Class-Path names
     * the real entries.
     */
    private static String classPath() throws IOException {
        String cp = System.getProperty("java.class.path");
        String[] entries = cp.split(File.pathSeparator);
        if (entries.length == 1 && entries[0].endsWith(".jar")) {
            try (JarFile jar = new JarFile(entries[0])) {
                String manifest = jar.getManifest() == null ? null
                        : jar.getManifest().getMainAttributes().getValue("Class-Path");
                if (manifest != null) {
                    List<String> paths = new ArrayList<>();
                    for (String url : manifest.trim().split("\\s+")) {
                        paths.add(Path.of(URI.create(url).isAbsolute() ? URI.create(url)
                                : Path.of(entries[0]).getParent().toUri().resolve(url)).toString());
                    }
                    return String.join(File.pathSeparator, paths);
                }
            }
        }
        return cp;
    }

    /** A snippet as a compilation unit in a package of its own, with the markdown line of each line. */
    private static final class Source extends SimpleJavaFileObject {
        final Snippet snippet;
        final String code;
        final List<Integer> mdLine; // generated line n (1-based) -> markdown line, or -1

        private Source(Snippet snippet, String name, String code, List<Integer> mdLine) {
            super(URI.create("string:///" + name.replace('.', '/') + Kind.SOURCE.extension), Kind.SOURCE);
            this.snippet = snippet;
            this.code = code;
            this.mdLine = mdLine;
        }

        static Source of(Snippet s, String pkg) {
            StringBuilder code = new StringBuilder();
            List<Integer> lines = new ArrayList<>();
            java.util.function.BiConsumer<String, Integer> add = (text, md) -> {
                code.append(text).append('\n');
                lines.add(md);
            };
            String all = String.join("\n", s.lines());
            var type = TYPE.matcher(all);
            boolean unit = type.find();
            boolean packaged = s.lines().stream().anyMatch(l -> l.startsWith("package "));
            if (!packaged) {
                add.accept("package snippets." + pkg + ";", -1);
                IMPLICIT.forEach(i -> add.accept("import " + i + ";", -1));
            }
            int i = 0;
            if (!unit) {
                for (; i < s.lines().size(); i++) {
                    String line = s.lines().get(i).strip();
                    if (!line.isEmpty() && !line.startsWith("import ")) {
                        break;
                    }
                    add.accept(s.lines().get(i), s.firstLine() + i);
                }
                add.accept("class Snippet { static void run() throws Exception {", -1);
            }
            for (; i < s.lines().size(); i++) {
                add.accept(s.lines().get(i), s.firstLine() + i);
            }
            if (!unit) {
                add.accept("}}", -1);
            }
            String name = "snippets." + pkg + "." + (unit ? type.group(4) : "Snippet");
            return new Source(s, name, code.toString(), lines);
        }

        int markdownLine(long generatedLine) {
            int n = (int) generatedLine - 1;
            for (int k = Math.min(n, mdLine.size() - 1); k >= 0; k--) {
                if (mdLine.get(k) >= 0) {
                    return mdLine.get(k);
                }
            }
            return snippet.firstLine();
        }

        @Override
        public CharSequence getCharContent(boolean ignoreEncodingErrors) {
            return code;
        }
    }
}
