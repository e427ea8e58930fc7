package io.accrue.usage.ingest;

import java.time.Duration;
import java.util.function.Consumer;
import java.util.function.Supplier;

import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.jboss.logging.Logger;

/**
 * The lifecycle of a Kafka consumer on a daemon thread of its own, one way for the usage-log consumer and the
 * minute-rollup sink: start, a running flag the loop checks, a fresh consumer after a failure (after a pause), and
 * a stop that wakes the consumer and waits for the thread.
 */
public final class ConsumerThread<K, V> {

    private final Logger log;
    private final String name;
    private final Supplier<KafkaConsumer<K, V>> newConsumer;
    private final Consumer<KafkaConsumer<K, V>> consume;
    private final Duration restartPause;
    private volatile boolean running;
    private volatile KafkaConsumer<K, V> consumer;
    private Thread thread;

    /** {@code consume} loops while {@link #running()}; a failure it throws starts a new consumer after the pause. */
    public ConsumerThread(Logger log, String name, Supplier<KafkaConsumer<K, V>> newConsumer,
            Consumer<KafkaConsumer<K, V>> consume, Duration restartPause) {
        this.log = log;
        this.name = name;
        this.newConsumer = newConsumer;
        this.consume = consume;
        this.restartPause = restartPause;
    }

    public void start() {
        running = true;
        thread = new Thread(this::run, name);
        thread.setDaemon(true);
        thread.start();
    }

    public boolean running() {
        return running;
    }

    /** Ends the loop from inside (an interrupt). */
    public void halt() {
        running = false;
    }

    private void run() {
        while (running) {
            try (KafkaConsumer<K, V> c = newConsumer.get()) {
                consumer = c;
                consume.accept(c);
            } catch (WakeupException stopping) {
                return;
            } catch (RuntimeException e) {
                if (!running) {
                    return;
                }
                // the broker unreachable for longer than the client's own retries: a new consumer, a fresh start
                log.warnf("%s failed, starting again: %s", name, e.toString());
                pause(restartPause);
            }
        }
    }

    /** Waits on the consumer thread; an interrupt stops the loop. */
    public void pause(Duration wait) {
        try {
            Thread.sleep(wait.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    public void stop() {
        running = false;
        KafkaConsumer<K, V> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        if (thread != null) {
            try {
                thread.join(Duration.ofSeconds(15).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
