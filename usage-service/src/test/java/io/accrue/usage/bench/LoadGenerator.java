package io.accrue.usage.bench;

import java.io.BufferedReader;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The ingestion load generator as its own JVM (issue 16.4), so the service's process CPU no longer includes the
 * client's. {@link IngestionBenchmarkTest} writes the serialised requests to a file and starts
 * {@code java -cp target/test-classes io.accrue.usage.bench.LoadGenerator BASE_URL CLIENTS REQUESTS_FILE OUT_FILE};
 * this process reads them and opens its connections, prints {@code READY}, waits for a {@code GO} line on stdin,
 * sends every request (one kept-alive connection per client thread, as in the in-JVM phase), and writes each
 * request's latency (microseconds), the wall time and its own CPU time for the sending to OUT_FILE, then prints
 * {@code DONE}. Only the JDK and {@link RawHttp} are on its class path.
 */
public final class LoadGenerator {

    private LoadGenerator() {
    }

    public static void main(String[] args) throws Exception {
        URL base = new URL(args[0]);
        int clients = Integer.parseInt(args[1]);
        List<byte[]> requests = new ArrayList<>();
        try (DataInputStream in = new DataInputStream(Files.newInputStream(Path.of(args[2])))) {
            for (int n = in.readInt(), i = 0; i < n; i++) {
                requests.add(in.readNBytes(in.readInt()));
            }
        }
        List<RawHttp> connections = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            connections.add(new RawHttp(base));
        }
        long[] lat = new long[requests.size()];
        AtomicInteger next = new AtomicInteger();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        CountDownLatch go = new CountDownLatch(1), done = new CountDownLatch(clients);
        for (RawHttp connection : connections) {
            Thread t = new Thread(() -> {
                try (RawHttp http = connection) {
                    go.await();
                    int i;
                    while ((i = next.getAndIncrement()) < requests.size() && failure.get() == null) {
                        long t0 = System.nanoTime();
                        RawHttp.Response r = http.send(requests.get(i));
                        lat[i] = (System.nanoTime() - t0) / 1000;
                        if (r.status() != 200) {
                            throw new IllegalStateException("batch answered " + r.status() + ": " + r.text());
                        }
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                } finally {
                    done.countDown();
                }
            });
            t.start();
        }
        System.out.println("READY");
        System.out.flush();
        BufferedReader stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        if (!"GO".equals(stdin.readLine())) {
            System.exit(2);
        }
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long cpu0 = os.getProcessCpuTime(), start = System.nanoTime();
        go.countDown();
        done.await();
        long wall = System.nanoTime() - start, cpu = os.getProcessCpuTime() - cpu0;
        if (failure.get() != null) {
            failure.get().printStackTrace();
            System.exit(1);
        }
        try (DataOutputStream out = new DataOutputStream(Files.newOutputStream(Path.of(args[3])))) {
            out.writeLong(wall);
            out.writeLong(cpu);
            out.writeInt(lat.length);
            for (long l : lat) {
                out.writeLong(l);
            }
        }
        System.out.println("DONE");
        System.out.flush();
    }

    /** The requests file {@link #main} reads. */
    static void writeRequests(Path file, List<byte[]> requests) throws IOException {
        try (DataOutputStream out = new DataOutputStream(Files.newOutputStream(file))) {
            out.writeInt(requests.size());
            for (byte[] r : requests) {
                out.writeInt(r.length);
                out.write(r);
            }
        }
    }

    /** What one run of the generator measured. */
    record Measured(double seconds, double generatorCpuSeconds, long[] latMicros) {
        static Measured read(Path file) throws IOException {
            try (DataInputStream in = new DataInputStream(Files.newInputStream(file))) {
                long wall = in.readLong(), cpu = in.readLong();
                long[] lat = new long[in.readInt()];
                for (int i = 0; i < lat.length; i++) {
                    lat[i] = in.readLong();
                }
                return new Measured(wall / 1e9, cpu / 1e9, lat);
            }
        }
    }
}
