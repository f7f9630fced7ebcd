package io.musc4j.models.hub;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An in-process imitation of the hub's file API on 127.0.0.1, enough to exercise the resolver:
 * {@code GET}/{@code HEAD /{org}/{name}/resolve/{revision}/{file}} with {@code X-Repo-Commit} and an
 * {@code ETag} (the git blob sha1, as the hub sends for regular files); {@code .safetensors} and
 * {@code .bin} files are "LFS" files answered, like the real hub, with a 302 to {@code /cdn/{sha256}}
 * carrying {@code X-Linked-Etag} (their sha256) and {@code X-Linked-Size}. Byte ranges, 404s, 401s
 * for a missing token, and scripted faults (a connection dropped midway, corrupted bytes) are supported.
 */
final class FakeHub implements AutoCloseable {

    /** One request as the server saw it. */
    record Request(String method, String path, String range, String authorization) {
    }

    private record Blob(String file, byte[] bytes) {
    }

    private final HttpServer server;
    private final Map<String, Map<String, String>> refs = new ConcurrentHashMap<>();
    private final Map<String, Map<String, byte[]>> filesByRepoCommit = new ConcurrentHashMap<>();
    private final Map<String, Blob> cdn = new ConcurrentHashMap<>();
    private final List<Request> requests = new ArrayList<>();
    private final Set<String> dropOnce = ConcurrentHashMap.newKeySet();
    private final Set<String> corruptOnce = ConcurrentHashMap.newKeySet();
    private volatile String requiredToken;

    FakeHub() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** Makes {@code branch} of {@code repo} point at {@code commit}, which holds {@code files}. */
    void publish(String repo, String branch, String commit, Map<String, byte[]> files) {
        refs.computeIfAbsent(repo, r -> new ConcurrentHashMap<>()).put(branch, commit);
        filesByRepoCommit.put(repo + "@" + commit, Map.copyOf(files));
    }

    void requireToken(String token) {
        requiredToken = token;
    }

    /** The next GET of {@code file}'s bytes sends half of them, then drops the connection. */
    void dropConnectionOnce(String file) {
        dropOnce.add(file);
    }

    /** The next GET of {@code file}'s bytes sends the right length but one wrong byte. */
    void corruptOnce(String file) {
        corruptOnce.add(file);
    }

    List<Request> requests() {
        synchronized (requests) {
            return List.copyOf(requests);
        }
    }

    static String sha256(byte[] bytes) {
        return HexFormat.of().formatHex(digest("SHA-256").digest(bytes));
    }

    static String gitSha1(byte[] bytes) {
        MessageDigest sha1 = digest("SHA-1");
        sha1.update(("blob " + bytes.length + "\0").getBytes(StandardCharsets.US_ASCII));
        return HexFormat.of().formatHex(sha1.digest(bytes));
    }

    private static MessageDigest digest(String algorithm) {
        try {
            return MessageDigest.getInstance(algorithm);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private void handle(HttpExchange ex) throws IOException {
        String rawPath = ex.getRequestURI().getRawPath();
        synchronized (requests) {
            requests.add(new Request(ex.getRequestMethod(), rawPath, ex.getRequestHeaders().getFirst("Range"),
                    ex.getRequestHeaders().getFirst("Authorization")));
        }
        try (ex) {
            if (rawPath.startsWith("/cdn/")) {
                Blob blob = cdn.get(rawPath.substring("/cdn/".length()));
                if (blob == null) {
                    ex.sendResponseHeaders(404, -1);
                } else {
                    ex.getResponseHeaders().set("ETag", "\"cdn-" + blob.bytes.length + "\"");
                    serveBytes(ex, blob.file, blob.bytes);
                }
                return;
            }
            String[] parts = rawPath.split("/", 6); // "", org, name, "resolve", revision, file
            if (parts.length < 6 || !parts[3].equals("resolve")) {
                ex.sendResponseHeaders(400, -1);
                return;
            }
            if (requiredToken != null
                    && !("Bearer " + requiredToken).equals(ex.getRequestHeaders().getFirst("Authorization"))) {
                ex.sendResponseHeaders(401, -1);
                return;
            }
            String repo = parts[1] + "/" + parts[2];
            String revision = URLDecoder.decode(parts[4], StandardCharsets.UTF_8);
            String commit = refs.getOrDefault(repo, Map.of()).getOrDefault(revision, revision);
            Map<String, byte[]> files = filesByRepoCommit.get(repo + "@" + commit);
            if (files == null) {
                ex.sendResponseHeaders(refs.containsKey(repo) ? 404 : 401, -1); // the hub hides unknown repos
                return;
            }
            String file = parts[5];
            byte[] bytes = files.get(file);
            if (bytes == null) {
                ex.getResponseHeaders().set("X-Error-Code", "EntryNotFound");
                ex.sendResponseHeaders(404, -1);
                return;
            }
            ex.getResponseHeaders().set("X-Repo-Commit", commit);
            ex.getResponseHeaders().set("ETag", "\"" + gitSha1(bytes) + "\"");
            if (file.endsWith(".safetensors") || file.endsWith(".bin")) {
                String sha = sha256(bytes);
                cdn.put(sha, new Blob(file, bytes));
                ex.getResponseHeaders().set("X-Linked-Etag", "\"" + sha + "\"");
                ex.getResponseHeaders().set("X-Linked-Size", Long.toString(bytes.length));
                ex.getResponseHeaders().set("Location", "/cdn/" + sha);
                ex.sendResponseHeaders(302, -1);
                return;
            }
            serveBytes(ex, file, bytes);
        }
    }

    private void serveBytes(HttpExchange ex, String file, byte[] bytes) throws IOException {
        if (ex.getRequestMethod().equals("HEAD")) {
            ex.getResponseHeaders().set("Content-Length", Long.toString(bytes.length));
            ex.sendResponseHeaders(200, -1);
            return;
        }
        int from = 0;
        String range = ex.getRequestHeaders().getFirst("Range");
        if (range != null && range.startsWith("bytes=") && range.endsWith("-")) {
            from = Integer.parseInt(range.substring("bytes=".length(), range.length() - 1));
            ex.getResponseHeaders().set("Content-Range", "bytes " + from + "-" + (bytes.length - 1) + "/" + bytes.length);
        }
        byte[] body = Arrays.copyOfRange(bytes, from, bytes.length);
        if (corruptOnce.remove(file)) {
            body[body.length / 2] ^= 0x5a;
        }
        ex.sendResponseHeaders(from > 0 ? 206 : 200, body.length);
        OutputStream out = ex.getResponseBody();
        if (dropOnce.remove(file)) {
            out.write(body, 0, body.length / 2);
            out.flush();
            sleepQuietly(300); // let the client store what it got before the connection goes
            throw new IOException("connection dropped on purpose after " + body.length / 2 + " bytes");
        }
        out.write(body);
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
