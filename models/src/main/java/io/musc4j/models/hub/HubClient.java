package io.musc4j.models.hub;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandler;
import java.net.http.HttpResponse.BodySubscribers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * HTTP access to the hub's {@code {endpoint}/{repo}/resolve/{revision}/{file}}. Redirects are followed
 * by hand because the hub answers LFS files with a redirect to a CDN that carries the metadata
 * ({@code X-Repo-Commit}, {@code X-Linked-Etag}, {@code X-Linked-Size}) only on the first hop, and
 * the token must not be forwarded to another host.
 */
final class HubClient {

    /** A file on the hub: where to GET it, the commit it belongs to, its ETag (blob name) and size (-1 if unknown). */
    record RemoteFile(String name, URI uri, String commit, String etag, long size) {
    }

    /** The hub could not be reached at all (no connection), as opposed to an HTTP error. */
    static final class UnreachableException extends IOException {
        UnreachableException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private static final int MAX_REDIRECTS = 10;
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration HEADERS_TIMEOUT = Duration.ofSeconds(60);

    private final HubSettings settings;
    private final HttpClient http;

    HubClient(HubSettings settings) {
        this.settings = settings;
        this.http = HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(CONNECT_TIMEOUT)
                .build();
    }

    URI fileUri(String repo, String revision, String file) {
        // like huggingface_hub: the revision is one path segment, so refs/pr/1 becomes refs%2Fpr%2F1
        return URI.create(settings.endpoint() + "/" + repo + "/resolve/"
                + URLEncoder.encode(revision, StandardCharsets.UTF_8) + "/" + file);
    }

    /** HEAD of a file: its metadata, or empty if the hub says 404. */
    Optional<RemoteFile> head(String repo, String revision, String file) throws IOException {
        URI uri = fileUri(repo, revision, file);
        List<HttpHeaders> hops = new ArrayList<>();
        HttpResponse<Void> r = exchange("HEAD", uri, null, HttpResponse.BodyHandlers.discarding(), hops);
        if (r.statusCode() == 404) {
            return Optional.empty();
        }
        requireSuccess(r, uri, file);
        String commit = first(hops, "X-Repo-Commit").orElse(HubId.isCommit(revision) ? revision : null);
        if (commit == null || !HubId.isCommit(commit)) {
            throw new HubException(uri + ": the server sent no X-Repo-Commit header, so the cache snapshot is unknown");
        }
        String etag = first(hops, "X-Linked-Etag").or(() -> first(hops, "ETag")).map(HubClient::normalizeEtag)
                .filter(e -> !e.isEmpty() && !e.contains("/") && !e.contains("\\") && !e.startsWith("."))
                .orElseThrow(() -> new HubException(uri + ": the server sent no usable ETag, so " + file
                        + " cannot be stored in the cache"));
        long size = first(hops, "X-Linked-Size")
                .or(() -> r.headers().firstValue("Content-Length"))
                .map(Long::parseLong).orElse(-1L);
        return Optional.of(new RemoteFile(file, fileUri(repo, commit, file), commit, etag, size));
    }

    /**
     * Appends the rest of {@code file} to {@code partial} (asking for a byte range when part of it is
     * there already) and returns the number of bytes it now holds.
     */
    long download(RemoteFile file, Path partial, DownloadProgress progress) throws IOException {
        long have = Files.exists(partial) ? Files.size(partial) : 0;
        HttpResponse<InputStream> r = exchange("GET", file.uri(), have > 0 ? "bytes=" + have + "-" : null,
                HttpResponse.BodyHandlers.ofInputStream(), new ArrayList<>());
        try (InputStream in = r.body()) {
            if (r.statusCode() == 200) {
                have = 0; // the server ignored the range: start over
            } else if (r.statusCode() == 206) {
                String contentRange = r.headers().firstValue("Content-Range").orElse("none");
                if (!contentRange.startsWith("bytes " + have + "-")) {
                    Files.deleteIfExists(partial);
                    throw new HubException(file.uri() + ": asked for " + file.name() + " from byte " + have
                            + " on, the server sent Content-Range " + contentRange + "; partial download removed, run again");
                }
            } else {
                requireSuccess(r, file.uri(), file.name());
            }
            progress.started(file.name(), file.size(), have);
            try (OutputStream out = Files.newOutputStream(partial, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    have > 0 ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING)) {
                byte[] buffer = new byte[1 << 16];
                for (int n; (n = in.read(buffer)) > 0; ) {
                    out.write(buffer, 0, n);
                    have += n;
                    progress.advanced(file.name(), have);
                }
            }
        }
        progress.finished(file.name());
        return have;
    }

    private <T> HttpResponse<T> exchange(String method, URI uri, String range, BodyHandler<T> handler,
                                         List<HttpHeaders> hops) throws IOException {
        URI current = uri;
        for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
            HttpRequest.Builder request = HttpRequest.newBuilder(current)
                    .method(method, HttpRequest.BodyPublishers.noBody())
                    .timeout(HEADERS_TIMEOUT)
                    .header("User-Agent", "musc4j")
                    .header("Accept-Encoding", "identity");
            if (settings.token().isPresent() && Objects.equals(current.getHost(), uri.getHost())) {
                request.header("Authorization", "Bearer " + settings.token().get());
            }
            if (range != null) {
                request.header("Range", range);
            }
            HttpResponse<T> response = send(request.build(), info -> isRedirect(info.statusCode())
                    ? BodySubscribers.replacing(null) : handler.apply(info));
            hops.add(response.headers());
            Optional<String> location = response.headers().firstValue("Location");
            if (!isRedirect(response.statusCode()) || location.isEmpty()) {
                return response;
            }
            current = current.resolve(location.get());
        }
        throw new HubException(uri + ": more than " + MAX_REDIRECTS + " redirects");
    }

    private <T> HttpResponse<T> send(HttpRequest request, BodyHandler<T> handler) throws IOException {
        try {
            return http.send(request, handler);
        } catch (ConnectException | HttpConnectTimeoutException e) {
            throw new UnreachableException("cannot connect to " + request.uri().getHost() + " (" + e + ")", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HubException("interrupted while contacting " + request.uri(), e);
        }
    }

    private void requireSuccess(HttpResponse<?> r, URI uri, String file) {
        int status = r.statusCode();
        if (status == 200) {
            return;
        }
        if (status == 401 || status == 403) {
            throw new HubException(uri + ": HTTP " + status + " for " + file + " — the repo is private, gated or "
                    + "does not exist; " + (settings.token().isPresent()
                    ? "the token in HF_TOKEN has no access to it" : "set HF_TOKEN to a token with access"));
        }
        throw new HubException(uri + ": HTTP " + status + " for " + file);
    }

    private static boolean isRedirect(int status) {
        return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
    }

    private static Optional<String> first(List<HttpHeaders> hops, String header) {
        return hops.stream().flatMap(h -> h.firstValue(header).stream()).findFirst();
    }

    /** {@code W/"abc"} → {@code abc}: the blob name huggingface_hub derives from an ETag. */
    static String normalizeEtag(String etag) {
        String e = etag.trim();
        if (e.startsWith("W/")) {
            e = e.substring(2);
        }
        return e.replace("\"", "");
    }
}
