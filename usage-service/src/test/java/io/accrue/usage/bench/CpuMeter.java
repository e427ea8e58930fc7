package io.accrue.usage.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * CPU seconds spent by this JVM (service and load generator together) and by the embedded PostgreSQL server.
 * On a machine shared with other builds, wall-clock rates swing with the load; the CPU a phase costs per event
 * does not, so it is the figure to compare between runs.
 */
final class CpuMeter {

    /** Linux USER_HZ: the unit of the times in /proc/[pid]/stat. */
    private static final double TICKS_PER_SECOND = 100.0;

    private final long postmaster;

    /** @param backendPid any backend of the server ({@code select pg_backend_pid()}); its parent is the server. */
    CpuMeter(long backendPid) throws IOException {
        this.postmaster = Long.parseLong(stat(backendPid)[1]);
    }

    record Sample(double jvmSeconds, double postgresSeconds) {
        Sample minus(Sample earlier) {
            return new Sample(jvmSeconds - earlier.jvmSeconds, postgresSeconds - earlier.postgresSeconds);
        }
    }

    Sample sample() throws IOException {
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        return new Sample(os.getProcessCpuTime() / 1e9, postgresTicks() / TICKS_PER_SECOND);
    }

    /**
     * The server's own time, what its exited children (autovacuum workers, closed backends) left in its
     * cutime/cstime, and the live children's time.
     */
    private long postgresTicks() throws IOException {
        String[] server = stat(postmaster);
        long ticks = Long.parseLong(server[11]) + Long.parseLong(server[12]) + Long.parseLong(server[13])
                + Long.parseLong(server[14]);
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path p : (Iterable<Path>) procs::iterator) {
                String name = p.getFileName().toString();
                if (!name.chars().allMatch(Character::isDigit)) {
                    continue;
                }
                String[] s;
                try {
                    s = stat(Long.parseLong(name));
                } catch (IOException gone) {
                    continue;
                }
                if (Long.parseLong(s[1]) == postmaster) {
                    ticks += Long.parseLong(s[11]) + Long.parseLong(s[12]);
                }
            }
        }
        return ticks;
    }

    /** Fields of /proc/[pid]/stat after the command name, numbered from 0 = state (so 1 = ppid, 11 = utime). */
    private static String[] stat(long pid) throws IOException {
        String line = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        return line.substring(line.lastIndexOf(')') + 2).split(" ");
    }
}
