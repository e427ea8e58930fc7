import java.io.IOException;
import java.lang.annotation.Annotation;
import java.lang.reflect.Field;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.WildcardType;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Writes a GraalVM reflect-config.json for one service: what stripe-java (Gson, which reads and writes fields
 * reflectively) and Jackson (records read or written outside JAX-RS signatures, which Quarkus registers by itself)
 * need in a native executable.
 *
 * <ul>
 * <li>every class of com.stripe.model and com.stripe.events: a webhook or API response can carry any of them, and
 * Gson builds the whole object graph;</li>
 * <li>every com.stripe class the service's bytecode names (params, services), plus the closure of their field
 * types, nested classes and {@code @JsonAdapter} adapters;</li>
 * <li>every record of the service's own packages.</li>
 * </ul>
 *
 * Run with the JDK's single-file launcher (deploy/native/generate-reflect-config.sh does):
 * {@code java ReflectConfigGenerator.java <classes dir> <runtime class path> <output file>}
 */
public class ReflectConfigGenerator {

    private static final Pattern STRIPE_REFERENCE = Pattern.compile("com/stripe/[A-Za-z0-9_/$]+");

    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            System.err.println("usage: ReflectConfigGenerator <classes dir> <class path> <output reflect-config.json>");
            System.exit(2);
        }
        Path classes = Path.of(args[0]);
        List<URL> urls = new ArrayList<>();
        urls.add(classes.toUri().toURL());
        List<Path> jars = new ArrayList<>();
        for (String entry : args[1].split(java.io.File.pathSeparator)) {
            if (!entry.isBlank()) {
                urls.add(Path.of(entry).toUri().toURL());
                jars.add(Path.of(entry));
            }
        }
        try (URLClassLoader loader = new URLClassLoader(urls.toArray(URL[]::new), null)) {
            Set<String> stripeSeeds = new TreeSet<>();
            Set<String> records = new TreeSet<>();
            try (Stream<Path> files = Files.walk(classes)) {
                for (Path file : files.filter(f -> f.toString().endsWith(".class")).toList()) {
                    String text = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
                    Matcher m = STRIPE_REFERENCE.matcher(text);
                    while (m.find()) {
                        stripeSeeds.add(m.group().replace('/', '.'));
                    }
                    String name = classes.relativize(file).toString().replace(java.io.File.separatorChar, '.')
                            .replaceAll("\\.class$", "");
                    Class<?> type = load(loader, name);
                    if (type != null && type.isRecord()) {
                        records.add(name);
                    }
                }
            }
            boolean usesStripe = !stripeSeeds.isEmpty();
            if (usesStripe) {
                for (Path jar : jars) {
                    if (jar.getFileName().toString().startsWith("stripe-java")) {
                        stripeSeeds.addAll(packageClasses(jar, "com/stripe/model/", "com/stripe/events/"));
                    }
                }
            }
            Set<String> stripe = closure(loader, stripeSeeds);
            write(Path.of(args[2]), stripe, records);
            System.out.printf("%s: %d stripe-java classes, %d records%n", args[2], stripe.size(), records.size());
        }
    }

    private static Set<String> packageClasses(Path jar, String... prefixes) throws IOException {
        Set<String> names = new TreeSet<>();
        try (JarFile file = new JarFile(jar.toFile())) {
            file.stream().map(e -> e.getName()).filter(n -> n.endsWith(".class"))
                    .filter(n -> Stream.of(prefixes).anyMatch(n::startsWith))
                    .forEach(n -> names.add(n.substring(0, n.length() - ".class".length()).replace('/', '.')));
        }
        return names;
    }

    /** The seeds plus everything Gson reaches from them: superclasses, field types, nested classes, adapters. */
    private static Set<String> closure(ClassLoader loader, Set<String> seeds) {
        Set<String> seen = new TreeSet<>();
        Deque<String> queue = new ArrayDeque<>(seeds);
        while (!queue.isEmpty()) {
            String name = queue.pop();
            if (!name.startsWith("com.stripe.") || !seen.add(name)) {
                continue;
            }
            Class<?> type = load(loader, name);
            if (type == null) {
                seen.remove(name); // a string in a constant pool that is no class (a package, a resource)
                continue;
            }
            try {
                if (type.getSuperclass() != null) {
                    queue.add(type.getSuperclass().getName());
                }
                for (Class<?> nested : type.getDeclaredClasses()) {
                    queue.add(nested.getName());
                }
                for (Field field : type.getDeclaredFields()) {
                    if (!Modifier.isStatic(field.getModifiers())) {
                        collect(field.getGenericType(), queue);
                        adapters(field.getAnnotations(), queue);
                    }
                }
                adapters(type.getAnnotations(), queue);
            } catch (LinkageError incompleteClassPath) {
                // the class itself is registered; what it links to is outside the service's class path
            }
        }
        return seen;
    }

    private static void collect(Type type, Deque<String> queue) {
        if (type instanceof Class<?> c) {
            Class<?> component = c;
            while (component.isArray()) {
                component = component.getComponentType();
            }
            queue.add(component.getName());
        } else if (type instanceof ParameterizedType p) {
            collect(p.getRawType(), queue);
            for (Type argument : p.getActualTypeArguments()) {
                collect(argument, queue);
            }
        } else if (type instanceof GenericArrayType g) {
            collect(g.getGenericComponentType(), queue);
        } else if (type instanceof WildcardType w) {
            Stream.of(w.getUpperBounds()).forEach(b -> collect(b, queue));
        }
    }

    private static void adapters(Annotation[] annotations, Deque<String> queue) {
        for (Annotation annotation : annotations) {
            if (annotation.annotationType().getName().equals("com.google.gson.annotations.JsonAdapter")) {
                try {
                    Object value = annotation.annotationType().getMethod("value").invoke(annotation);
                    queue.add(((Class<?>) value).getName());
                } catch (ReflectiveOperationException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
    }

    private static Class<?> load(ClassLoader loader, String name) {
        try {
            return Class.forName(name, false, loader);
        } catch (ClassNotFoundException | LinkageError e) {
            return null;
        }
    }

    private static void write(Path out, Set<String> stripe, Set<String> records) throws IOException {
        StringBuilder json = new StringBuilder("[\n");
        List<String> entries = new ArrayList<>();
        for (String name : stripe) {
            entries.add("  {\"name\": \"" + name + "\", \"allDeclaredConstructors\": true, \"allDeclaredFields\": true}");
        }
        for (String name : records) {
            entries.add("  {\"name\": \"" + name + "\", \"allDeclaredConstructors\": true, \"allDeclaredFields\": true, "
                    + "\"allDeclaredMethods\": true}");
        }
        json.append(String.join(",\n", entries)).append("\n]\n");
        Files.createDirectories(out.getParent());
        Files.writeString(out, json.toString());
    }
}
