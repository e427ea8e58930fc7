package io.accrue.e2e;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The endpoints a service README documents, read from its table rows the way a person reads them: a row names
 * one or more methods and paths, paths may leave out {@code /v1}, mark an optional part with brackets
 * ({@code /rate-plans[/{slug}]}), carry a query ({@code ?status=&cursor=}) or continue the previous path
 * ({@code GET …/{id}}). Path parameters match whatever their names. Pure, so its reading is tested by table.
 */
final class ReadmeEndpoints {

    private static final Pattern PATH = Pattern.compile("(…|/)[A-Za-z0-9_.{}\\[\\]/-]*");
    private static final Pattern METHOD = Pattern.compile("\\b(GET|POST|PUT|PATCH|DELETE)\\b");

    private final List<Row> rows = new ArrayList<>();

    private record Row(Set<String> methods, Set<String> paths) {}

    ReadmeEndpoints(String readme) {
        // a README may write its paths relative to one base: "Endpoints (all under `/v1/orgs/{orgId}/contracts`, …)"
        Matcher under = Pattern.compile("all under `(/[^`]+)`").matcher(readme);
        String base = under.find() ? under.group(1) : "";
        for (String line : readme.split("\n")) {
            if (!line.startsWith("|")) {
                continue;
            }
            Set<String> methods = new LinkedHashSet<>();
            Matcher m = METHOD.matcher(line);
            while (m.find()) {
                methods.add(m.group(1).toLowerCase(Locale.ROOT));
            }
            Set<String> paths = new LinkedHashSet<>();
            String previous = null;
            for (String code : codeSpans(line)) {
                Matcher p = PATH.matcher(code);
                while (p.find()) {
                    String raw = p.group();
                    if (raw.equals("…") || (raw.equals("/") && base.isEmpty())) {
                        continue;
                    }
                    if (raw.startsWith("…")) {
                        if (previous == null) {
                            continue;
                        }
                        String rest = raw.substring(1);
                        // "…/{id}" continues the path before it, or replaces its last segment ("…/{slug}")
                        for (String from : List.of(previous, parent(previous))) {
                            expand(from + rest, paths);
                            if (!base.isEmpty()) {
                                expand(base + from + rest, paths);
                            }
                        }
                        continue;
                    }
                    expand(raw, paths);
                    if (!base.isEmpty()) {
                        expand(raw.equals("/") ? base : base + raw, paths);
                    }
                    // "`POST /{id}/activate` · `/terminate`": a lone segment after a path is that path's sibling
                    // (and the next lone segment is a sibling of the same path: previous stays)
                    if (previous != null && raw.lastIndexOf('/') == 0) {
                        expand(parent(previous) + raw, paths);
                        if (!base.isEmpty()) {
                            expand(base + parent(previous) + raw, paths);
                        }
                        continue;
                    }
                    // without its optional parts, also one left open where a query began ("end-users[?q=")
                    previous = raw.replaceAll("\\[[^\\]]*(\\]|$)", "");
                }
            }
            if (!paths.isEmpty()) {
                rows.add(new Row(methods, paths));
            }
        }
    }

    /** Whether a row names this method and path (path from the OpenAPI document, e.g. /v1/orgs/{orgId}/x). */
    boolean documents(String method, String path) {
        String wanted = normal(path);
        return rows.stream().anyMatch(r -> r.methods().contains(method.toLowerCase(Locale.ROOT))
                && r.paths().contains(wanted));
    }

    private static List<String> codeSpans(String line) {
        List<String> spans = new ArrayList<>();
        Matcher m = Pattern.compile("`([^`]+)`").matcher(line);
        while (m.find()) {
            spans.add(m.group(1));
        }
        return spans;
    }

    /** Adds the path with and without each optional part. */
    private static void expand(String path, Set<String> into) {
        int open = path.indexOf('[');
        if (open < 0) {
            into.add(normal(path));
            return;
        }
        int close = path.indexOf(']', open);
        if (close < 0) {
            into.add(normal(path.substring(0, open)));
            return;
        }
        String inside = path.substring(open + 1, close);
        String rest = path.substring(close + 1);
        expand(path.substring(0, open) + rest, into);
        if (inside.startsWith("/")) {
            expand(path.substring(0, open) + inside + rest, into);
        }
    }

    private static String parent(String path) {
        int slash = path.lastIndexOf('/');
        return slash <= 0 ? "" : path.substring(0, slash);
    }

    /** Without /v1, a trailing slash or parameter names: /orgs/{}/invoices/{}. */
    static String normal(String path) {
        String p = path.replaceAll("\\{[^}]*\\}", "{}");
        if (p.startsWith("/v1/")) {
            p = p.substring(3);
        }
        if (p.length() > 1 && p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        return p;
    }
}
