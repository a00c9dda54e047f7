package dev.sluice.server.faults;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.core.secret.SecretBox;
import dev.sluice.server.RestartablePostgres;
import dev.sluice.server.SluiceProcesses;
import dev.sluice.server.SourcePostgres;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Sluice broken on purpose while a source is written to continuously: data-plane workers killed with SIGKILL
 * (one, then two at once), a worker paused with SIGSTOP past its lease and resumed, the source Postgres
 * restarted (fast and immediate shutdown), the metadata Postgres restarted, the webhook target refusing
 * connections, black-holing requests and answering 500, and a pull consumer left far behind. Then each
 * consumer's history is checked against what the source committed: nothing lost, nothing out of order per
 * key, no duplicate beyond redeliveries of unacknowledged messages.
 *
 * <p>By default a short scripted run (part of the normal test run). {@code -Dsluice.faults.minutes=N} runs a
 * soak: random faults for N minutes ({@code server/scripts/soak.sh}). {@code -Dsluice.faults.seed} repeats a run's
 * random choices. The report goes to {@code target/reliability/}.
 */
class FaultInjectionIT
{
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> TABLES = List.of("faults_a", "faults_b", "faults_c");
    private static final Duration LEASE_TTL = Duration.ofSeconds(3);
    /** {@code -Dsluice.faults.only=pause}: a soak of SIGSTOPs (some right after a metadata restart), to hunt takeover problems. */
    private static final boolean ONLY_PAUSES = "pause".equals(System.getProperty("sluice.faults.only"));
    /** The longest a consumer none of whose units a paused worker held may go without a delivery while it is paused. */
    private static final Duration UNAFFECTED_GAP = Duration.ofMillis(Long.getLong("sluice.faults.unaffectedGapMillis", 1000));

    @TempDir
    Path directory;

    private final long seed = Long.getLong("sluice.faults.seed", System.nanoTime());
    private final int minutes = Integer.getInteger("sluice.faults.minutes", 0);
    private final Random random = new Random(seed);
    private final Map<String, Integer> faults = new TreeMap<>();
    private final List<Worker> workers = new ArrayList<>();
    private SluiceProcesses processes;
    private RestartablePostgres metadata;
    private SourcePostgres source;
    private Path config;
    private String operatorToken;
    private String api;
    private String token;
    private String sourceId;
    private int logs;
    private final Availability availability = new Availability();
    /** The units each measured consumer's deliveries depend on. */
    private final Map<String, Set<String>> unitsOf = new TreeMap<>();
    private String pushedUnit;
    private final List<Long> metadataApiAnsweringMillis = new ArrayList<>();
    private final List<Integer> metadataApiFailuresAfterBack = new ArrayList<>();
    private PullReader otherReader;
    /** The consumers read during the faults, whose gaps are measured. */
    private final Map<String, History> measured = new TreeMap<>();

    /** Which worker a pause stops: the source's lease holder, the push consumer's, or one holding nothing. */
    private enum PauseKind
    {
        SOURCE_HOLDER("the source's lease holder"),
        PUSH_HOLDER("the push consumer's lease holder"),
        IDLE("a worker holding nothing");

        private final String label;

        PauseKind(String label)
        {
            this.label = label;
        }
    }

    @Test
    void underContinuousLoadAndFaultsNoConsumerLosesReordersOrDuplicatesAMessage()
            throws Exception
    {
        Instant started = Instant.now();
        System.out.println("fault injection: seed " + seed + (minutes > 0 ? ", soak of " + minutes + " minutes" : ", short run"));
        processes = new SluiceProcesses(directory);
        metadata = RestartablePostgres.start(Map.of("max_connections", "300"));
        source = SourcePostgres.dedicated();
        History pulled = new History(true);
        History behind = new History(true);
        History pushed = new History(false);
        History other = new History(true);
        measured.putAll(Map.of("live", pulled, "pushed", pushed, "other", other));
        try (WebhookReceiver receiver = new WebhookReceiver(pushed)) {
            startSluice();
            for (String table : TABLES) {
                source.execute(SourcePostgres.DATABASE, "create table " + table + " (id bigint primary key, version bigint not null, payload text)");
                source.execute(SourcePostgres.DATABASE, "alter table " + table + " replica identity full");
            }
            sourceId = create("/v1/sources", source.sourceJson("faults", "")).path("id").asText();
            String tables = "[{\"table\":\"faults_a\"},{\"table\":\"faults_b\"},{\"table\":\"faults_c\"}]";
            String limits = "\"max_ack_pending\": 100000, \"max_deliver\": 1000, \"visibility_timeout_seconds\": 10";
            create("/v1/consumers", "{\"name\":\"live\",\"source_id\":\"" + sourceId + "\",\"kind\":\"pull\",\"tables\":" + tables + "," + limits + "}");
            create("/v1/consumers", "{\"name\":\"behind\",\"source_id\":\"" + sourceId + "\",\"kind\":\"pull\",\"tables\":" + tables + "," + limits + "}");
            String endpoint = create("/v1/http-endpoints", "{\"name\":\"receiver\",\"url\":\"" + receiver.url() + "\"}").path("id").asText();
            String pushedId = create("/v1/consumers", "{\"name\":\"pushed\",\"source_id\":\"" + sourceId + "\",\"kind\":\"push\",\"endpoint_id\":\"" + endpoint
                    + "\",\"batch_size\":10,\"tables\":" + tables + "," + limits + "}").path("id").asText();
            // a second source of the same database, so a fault of one source's worker has another unit to leave alone
            String otherSourceId = create("/v1/sources", source.sourceJson("other", "")).path("id").asText();
            create("/v1/consumers", "{\"name\":\"other\",\"source_id\":\"" + otherSourceId + "\",\"kind\":\"pull\",\"tables\":[{\"table\":\"faults_a\"}]," + limits + "}");
            pushedUnit = "deliver:" + pushedId;
            unitsOf.put("live", Set.of("extract:" + sourceId));
            unitsOf.put("pushed", Set.of("extract:" + sourceId, pushedUnit));
            unitsOf.put("other", Set.of("extract:" + otherSourceId));

            SourceLoad load = new SourceLoad("jdbc:postgresql://127.0.0.1:" + source.port() + "/" + SourcePostgres.DATABASE,
                    SourcePostgres.REPLICATOR, SourcePostgres.REPLICATOR_PASSWORD, TABLES, 40, seed);
            PullReader live = new PullReader(processes, api, "live", token, pulled, 2);
            otherReader = new PullReader(processes, api, "other", token, other, 1);
            load.start();
            live.start();
            otherReader.start();
            awaitProgress(() -> receiver.requests() > 0 && live.received() > 0 && otherReader.received() > 0, "messages flow before the first fault");
            Instant faultsStarted = Instant.now();

            if (minutes > 0) {
                Instant end = started.plus(Duration.ofMinutes(minutes));
                while (Instant.now().isBefore(end)) {
                    randomFault(receiver, live);
                    pause();
                }
            }
            else {
                scriptedFaults(receiver, live);
            }

            Instant faultsEnded = Instant.now();
            Map<String, History.Committed> committed = load.stopAndReadFinalState();
            receiver.mode(WebhookReceiver.Mode.ANSWER);
            PullReader late = new PullReader(processes, api, "behind", token, behind, 2);
            late.start();
            Map<String, History> histories = Map.of("live", pulled, "behind", behind, "pushed", pushed, "other", other);
            // "other" reads one table
            Map<String, History.Committed> committedOfA = new TreeMap<>(committed);
            committedOfA.keySet().removeIf(key -> !key.startsWith("faults_a:"));
            Map<String, Map<String, History.Committed>> committedFor = Map.of("live", committed, "behind", committed, "pushed", committed, "other", committedOfA);
            try {
                // every consumer catches up with everything the source committed
                await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofSeconds(1))
                        .until(() -> histories.entrySet().stream().allMatch(history -> history.getValue().check(committedFor.get(history.getKey())).lost() == 0));
            }
            catch (ConditionTimeoutException e) {
                System.out.println("consumers did not catch up: " + e.getMessage());
            }
            live.close();
            late.close();
            otherReader.close();

            ObjectNode report = report(started, load, committedFor, histories, Map.of("live", live, "behind", late, "other", otherReader), receiver);
            ObjectNode measuredAvailability = availability.report(measured, faultsStarted, faultsEnded);
            measuredAvailability.putPOJO("metadata_restart_api_answering_ms", metadataApiAnsweringMillis);
            measuredAvailability.putPOJO("metadata_restart_api_failures_after_back", metadataApiFailuresAfterBack);
            report.set("availability", measuredAvailability);
            report.put("units_handed_back_for_balance", balanceMoves());
            Files.createDirectories(Path.of("target", "reliability"));
            Path file = Path.of("target", "reliability", minutes > 0 ? "soak.json" : "fault-injection.json");
            Files.writeString(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(report));
            System.out.println("fault injection report (" + file + "):\n" + JSON.writerWithDefaultPrettyPrinter().writeValueAsString(report));
            histories.forEach((name, history) -> {
                History.Result result = history.check(committedFor.get(name));
                assertThat(result.clean()).as(name + ": " + result).isTrue();
                assertThat(result.messagesChecked()).as(name).isPositive();
            });
            // while the metadata store restarts the API says so (503, retry); nothing else may fail
            for (PullReader reader : List.of(live, late, otherReader)) {
                assertThat(reader.failures().keySet()).as("failed API calls by status").allMatch(status -> status.equals("503"));
            }
            // a paused worker stalls only its own units: every other consumer goes on without a pause longer than UNAFFECTED_GAP
            for (Map.Entry<Availability.Fault, Map<String, Availability.Effect>> effect : availability.effects(measured, faultsEnded)) {
                if (effect.getKey().name().startsWith("worker paused")) {
                    for (String consumer : effect.getKey().unaffected()) {
                        assertThat(effect.getValue().get(consumer).longestGapUntilBack()).as(effect.getKey().name() + ": deliveries to " + consumer)
                                .isLessThanOrEqualTo(UNAFFECTED_GAP);
                    }
                }
            }
        }
        catch (Throwable e) {
            printLogs();
            throw e;
        }
        finally {
            processes.close();
            metadata.close();
            source.close();
        }
    }

    private void scriptedFaults(WebhookReceiver receiver, PullReader live)
            throws Exception
    {
        killWorker(true);
        pause();
        cutOff(receiver, WebhookReceiver.Mode.REFUSE, live);
        pause();
        killWorker(false);
        pause();
        pauseWorker(PauseKind.SOURCE_HOLDER, live);
        pause();
        pauseWorker(PauseKind.PUSH_HOLDER, live);
        pause();
        pauseWorker(PauseKind.IDLE, live);
        pause();
        restartSource(RestartablePostgres.Shutdown.FAST, live);
        pause();
        cutOff(receiver, WebhookReceiver.Mode.BLACK_HOLE, live);
        pause();
        restartMetadata(RestartablePostgres.Shutdown.FAST, live);
        pause();
        killWorker(true);
        pause();
        cutOff(receiver, WebhookReceiver.Mode.FAIL, live);
        pause();
        restartSource(RestartablePostgres.Shutdown.IMMEDIATE, live);
        pause();
        killTwoWorkers(live);
        pause();
        restartMetadata(RestartablePostgres.Shutdown.IMMEDIATE, live);
        pause();
        replaceWorkerWhileMetadataIsDown(live);
        pause();
        killWorker(true);
    }

    private void randomFault(WebhookReceiver receiver, PullReader live)
            throws Exception
    {
        int roll = random.nextInt(100);
        if (ONLY_PAUSES) {
            if (random.nextBoolean()) {
                restartMetadata(RestartablePostgres.Shutdown.IMMEDIATE, live);
            }
            pauseWorker(PauseKind.SOURCE_HOLDER, live);
        }
        else if (roll < 35) {
            killWorker(random.nextBoolean());
        }
        else if (roll < 45) {
            pauseWorker(PauseKind.values()[random.nextInt(PauseKind.values().length)], live);
        }
        else if (roll < 55) {
            killTwoWorkers(live);
        }
        else if (roll < 65) {
            restartSource(random.nextBoolean() ? RestartablePostgres.Shutdown.FAST : RestartablePostgres.Shutdown.IMMEDIATE, live);
        }
        else if (roll < 72) {
            restartMetadata(random.nextBoolean() ? RestartablePostgres.Shutdown.FAST : RestartablePostgres.Shutdown.IMMEDIATE, live);
        }
        else if (roll < 75) {
            replaceWorkerWhileMetadataIsDown(live);
        }
        else {
            WebhookReceiver.Mode[] modes = {WebhookReceiver.Mode.REFUSE, WebhookReceiver.Mode.BLACK_HOLE, WebhookReceiver.Mode.FAIL};
            cutOff(receiver, modes[random.nextInt(modes.length)], live);
        }
    }

    // ---- faults

    /** SIGKILL of one worker (the source's lease holder, or any), at a random moment; a replacement starts. */
    private void killWorker(boolean leaseHolder)
            throws Exception
    {
        Worker victim = leaseHolder ? leaseHolder() : workers.get(random.nextInt(workers.size()));
        Set<String> unaffected = unaffectedBy(heldBy(victim));
        Instant start = Instant.now();
        victim.process().destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        workers.remove(victim);
        String fault = "worker killed (SIGKILL" + (leaseHolder ? ", source's lease holder)" : ", any worker)");
        availability.fault(fault, start, Instant.now(), unaffected);
        count(fault);
        startWorker();
    }

    /** Of three workers, SIGKILL two at once; the third carries on alone until the replacements start. */
    private void killTwoWorkers(PullReader live)
            throws Exception
    {
        Worker first = leaseHolder();
        workers.remove(first);
        Worker second = workers.remove(random.nextInt(workers.size()));
        Set<String> held = new HashSet<>(heldBy(first));
        held.addAll(heldBy(second));
        Instant start = Instant.now();
        first.process().destroyForcibly();
        second.process().destroyForcibly();
        first.process().waitFor(30, TimeUnit.SECONDS);
        second.process().waitFor(30, TimeUnit.SECONDS);
        availability.fault("two workers killed at once (SIGKILL)", start, Instant.now(), unaffectedBy(held));
        count("two of three workers killed at once (SIGKILL)");
        awaitDelivery(live, "the one worker left takes over");
        startWorker();
        startWorker();
    }

    /**
     * SIGSTOP of a worker (the source's lease holder, the push consumer's, or one holding nothing) past its lease: until
     * others took over every unit it held, or, holding nothing, until it no longer counts as live. Then SIGCONT.
     * Consumers none of whose units it held must not notice.
     */
    private void pauseWorker(PauseKind kind, PullReader live)
            throws Exception
    {
        // from a steady state, so what the pause shows is the pause's doing, not what an earlier fault left behind
        awaitSteadyState();
        Worker paused = switch (kind) {
            case SOURCE_HOLDER -> leaseHolder();
            case PUSH_HOLDER -> holderOf(pushedUnit);
            case IDLE -> idleWorker();
        };
        Instant start = Instant.now();
        signal(paused.process(), "-STOP");
        // what it holds once the store has finished what it sent before it stopped (a claim, say)
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20)).until(() -> metadataRows(
                "select pid::text from pg_stat_activity where application_name like ? and state = 'active' and wait_event_type is distinct from 'Client'",
                "sluice %-" + paused.process().pid() + "-%").isEmpty());
        Set<String> held = heldBy(paused);
        Map<String, String> holdersAtStart = holders();
        try {
            await().atMost(Duration.ofMinutes(1)).ignoreExceptions().pollInterval(Duration.ofMillis(100)).until(() -> held.isEmpty()
                    ? !isLive(paused)
                    : held.stream().allMatch(unit -> holder(unit).filter(owner -> !owner.contains("-" + paused.process().pid() + "-")).isPresent()));
            if (held.contains(unitsOf.get("live").iterator().next())) {
                awaitDelivery(live, "another worker streams while the first is paused");
            }
        }
        catch (ConditionTimeoutException e) {
            printMetadataSessions();
            throw e;
        }
        finally {
            signal(paused.process(), "-CONT");
        }
        // a unit of another worker that moved meanwhile (a planned move for balance, due anyway) paused for that reason:
        // its consumers are not counted as left alone by the pause
        Set<String> moved = new HashSet<>(held);
        Map<String, String> holdersAtEnd = holders();
        holdersAtStart.forEach((unit, holder) -> {
            if (!holder.equals(holdersAtEnd.get(unit))) {
                moved.add(unit);
            }
        });
        Set<String> unaffected = unaffectedBy(moved);
        String fault = "worker paused past its lease (SIGSTOP): " + kind.label;
        availability.fault(fault, start, Instant.now(), unaffected);
        count(fault);
    }

    /**
     * Until every unit is held by a running worker and every measured consumer has caught up: its last delivery came
     * within the last half second and carried a change committed less than a second before (a push consumer retrying
     * after a cut-off webhook target, say, is not there yet).
     */
    private void awaitSteadyState()
    {
        await().alias("every unit held by a running worker").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(100)).ignoreExceptions()
                .until(() -> metadataRows("select coalesce(owner, '') || ' ' || coalesce((expires_at > now())::text, 'false') from leases where unit like ?", "%").stream()
                        .allMatch(row -> row.endsWith(" true") && workers.stream().anyMatch(worker -> row.contains("-" + worker.process().pid() + "-"))));
        await().alias("every measured consumer caught up").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(50))
                .until(() -> measured.values().stream().allMatch(history -> history.lastArrival()
                        .filter(last -> last.at().isAfter(Instant.now().minusMillis(500)))
                        .filter(last -> Duration.between(last.committedAt(), last.at()).compareTo(Duration.ofSeconds(1)) < 0)
                        .isPresent()));
    }

    /** A worker holding no unit; one is started (and awaited) when every worker holds some. */
    private Worker idleWorker()
            throws IOException
    {
        Optional<Worker> idle = workers.stream().filter(worker -> heldBy(worker).isEmpty() && isLive(worker)).findFirst();
        if (idle.isPresent()) {
            return idle.get();
        }
        Worker started = startWorker();
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(100)).until(() -> isLive(started));
        return heldBy(started).isEmpty() ? started : idleWorker();
    }

    /** Whether a consumer's status is answered 200 (a read through the metadata store). */
    private boolean apiAnswersNormally()
            throws IOException, InterruptedException
    {
        return processes.send("GET", api + "/v1/sources/" + sourceId + "/status", token, null).statusCode() == 200;
    }

    private Worker holderOf(String unit)
    {
        return await().atMost(Duration.ofMinutes(1)).ignoreExceptions().until(() -> holder(unit)
                .flatMap(owner -> workers.stream().filter(worker -> owner.contains("-" + worker.process().pid() + "-")).findFirst()), Optional::isPresent).orElseThrow();
    }

    /** The worker holding an unexpired lease on {@code unit}, as the metadata store says. */
    private Optional<String> holder(String unit)
    {
        return metadataRows("select owner from leases where unit = ? and expires_at > now()", unit).stream().findFirst();
    }

    /** Every unit with its holder and epoch ({@code owner@epoch}). */
    private Map<String, String> holders()
    {
        Map<String, String> holders = new TreeMap<>();
        for (String row : metadataRows("select unit || ' ' || coalesce(owner, '-') || '@' || epoch from leases where unit like ?", "%")) {
            holders.put(row.substring(0, row.indexOf(' ')), row.substring(row.indexOf(' ') + 1));
        }
        return holders;
    }

    /** The units {@code worker} holds unexpired leases on. */
    private Set<String> heldBy(Worker worker)
    {
        return Set.copyOf(metadataRows("select unit from leases where owner like ? and expires_at > now()", "%-" + worker.process().pid() + "-%"));
    }

    /** Whether {@code worker} counts as live (seen within a lease's time). */
    private boolean isLive(Worker worker)
    {
        return !metadataRows("select id from workers where id like ? and seen_at > now() - make_interval(secs => " + LEASE_TTL.toSeconds() + ")",
                "%-" + worker.process().pid() + "-%").isEmpty();
    }

    /** The measured consumers none of whose units is in {@code units}. */
    private Set<String> unaffectedBy(Set<String> units)
    {
        Set<String> unaffected = new TreeSet<>();
        unitsOf.forEach((consumer, needs) -> {
            if (needs.stream().noneMatch(units::contains)) {
                unaffected.add(consumer);
            }
        });
        return unaffected;
    }

    private List<String> metadataRows(String sql, String parameter)
    {
        try (Connection connection = metadata.dataSource("postgres", "postgres").getConnection();
                PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, parameter);
            List<String> rows = new ArrayList<>();
            try (ResultSet result = statement.executeQuery()) {
                while (result.next()) {
                    rows.add(result.getString(1));
                }
            }
            return rows;
        }
        catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private void restartSource(RestartablePostgres.Shutdown mode, PullReader live)
    {
        Instant start = Instant.now();
        source.restart(mode);
        availability.fault("source Postgres restarted (" + mode.name().toLowerCase(Locale.ROOT) + " shutdown)", start, Instant.now(), Set.of());
        count("source Postgres restarted (" + mode.name().toLowerCase(Locale.ROOT) + " shutdown)");
        awaitDelivery(live, "streaming resumes after the source restarted");
    }

    private void restartMetadata(RestartablePostgres.Shutdown mode, PullReader live)
            throws Exception
    {
        Instant start = Instant.now();
        metadata.restart(mode);
        Instant back = Instant.now();
        // from the moment the store accepts connections: requests (cheap ones, no long poll) until one is answered normally
        int failedAfterBack = 0;
        while (!apiAnswersNormally()) {
            failedAfterBack++;
            assertThat(Duration.between(back, Instant.now())).as("the API answers again after the metadata store is back").isLessThan(Duration.ofMinutes(1));
        }
        metadataApiAnsweringMillis.add(Duration.between(back, Instant.now()).toMillis());
        metadataApiFailuresAfterBack.add(failedAfterBack);
        availability.fault("metadata Postgres restarted (" + mode.name().toLowerCase(Locale.ROOT) + " shutdown)", start, back, Set.of());
        count("metadata Postgres restarted (" + mode.name().toLowerCase(Locale.ROOT) + " shutdown)");
        awaitDelivery(live, "Sluice recovers after the metadata store restarted");
    }

    /** A worker replaced while the metadata Postgres is down waits for it, then joins, instead of failing to start. */
    private void replaceWorkerWhileMetadataIsDown(PullReader live)
            throws Exception
    {
        Worker holder = leaseHolder();
        Worker other = workers.stream().filter(worker -> !worker.equals(holder)).findFirst().orElseThrow();
        workers.remove(other);
        other.process().destroyForcibly();
        other.process().waitFor(30, TimeUnit.SECONDS);
        Instant start = Instant.now();
        metadata.stop(RestartablePostgres.Shutdown.FAST);
        Worker replacement;
        try {
            replacement = startWorker();
            await().atMost(Duration.ofMinutes(2)).until(() -> log(replacement).contains("waiting for the metadata store"));
        }
        finally {
            metadata.start();
        }
        availability.fault("worker started while the metadata Postgres was down", start, Instant.now(), Set.of());
        await().atMost(Duration.ofMinutes(2)).until(() -> log(replacement).contains("data-plane worker") || !replacement.process().isAlive());
        assertThat(replacement.process().isAlive()).as("a worker started while the metadata store was down is running").isTrue();
        count("worker started while the metadata Postgres was down");
        awaitDelivery(live, "Sluice recovers after the metadata store came back");
    }

    private String log(Worker worker)
            throws IOException
    {
        Path file = directory.resolve(worker.log());
        return Files.exists(file) ? Files.readString(file) : "";
    }

    private void cutOff(WebhookReceiver receiver, WebhookReceiver.Mode mode, PullReader live)
    {
        Instant start = Instant.now();
        long before = receiver.requests();
        receiver.mode(mode);
        try {
            if (mode == WebhookReceiver.Mode.REFUSE) {
                // nothing to observe at the receiver: let the load run on while it is gone
                awaitDelivery(live, "the other consumers go on while the webhook target is down");
                awaitDelivery(live, "the other consumers go on while the webhook target is down");
            }
            else {
                awaitProgress(() -> receiver.requests() >= before + 3, "Sluice retries the cut-off webhook target");
            }
        }
        finally {
            receiver.mode(WebhookReceiver.Mode.ANSWER);
        }
        String fault = "webhook target " + switch (mode) {
            case REFUSE -> "refusing connections";
            case BLACK_HOLE -> "black-holing requests";
            default -> "answering 500";
        };
        availability.fault(fault, start, Instant.now(), Set.of("live", "other"));
        count(fault);
    }

    // ---- processes

    private void startSluice()
            throws Exception
    {
        operatorToken = "op_" + UUID.randomUUID();
        config = processes.writeConfig(metadata.port(), SecretBox.generateKey(), """
                dataPlane:
                  leaseTtl: %ds
                  tickInterval: 1s
                  rebalanceDelay: 6s
                  pushTimeout: 2s
                  retryBackoff: 100ms
                  retryBackoffCap: 1s
                logging:
                  level: WARN
                  loggers:
                    dev.sluice: INFO
                """.formatted(LEASE_TTL.toSeconds()));
        api = processes.startControlPlane(config, operatorToken);
        for (int index = 0; index < 3; index++) {
            startWorker();
        }
        JsonNode account = JSON.readTree(processes.send("POST", api + "/v1/accounts", operatorToken, "{\"name\":\"faults\"}").body());
        token = account.path("token").path("secret").asText();
    }

    private Worker startWorker()
            throws IOException
    {
        int port = SluiceProcesses.freePort();
        logs++;
        String log = "worker-" + logs + ".log";
        Worker worker = new Worker(processes.start(config, "data-plane", port, operatorToken, log), log);
        workers.add(worker);
        return worker;
    }

    private Worker leaseHolder()
    {
        // the source status names its worker, whose id carries the process id
        // one status read decides: the lease may move between two reads
        return await().atMost(Duration.ofMinutes(1)).ignoreExceptions().until(() -> {
            String holder = sourceWorker();
            return workers.stream().filter(worker -> holder.contains("-" + worker.process().pid() + "-")).findFirst();
        }, Optional::isPresent).orElseThrow();
    }

    private String sourceWorker()
            throws IOException, InterruptedException
    {
        HttpResponse<String> status = processes.send("GET", api + "/v1/sources/" + sourceId + "/status", token, null);
        return status.statusCode() == 200 ? JSON.readTree(status.body()).path("worker").asText() : "";
    }

    /** What the metadata store's sessions are doing and which locks they wait for: why a lease could not be taken over. */
    private void printMetadataSessions()
    {
        try (Connection connection = metadata.dataSource("postgres", "postgres").getConnection();
                Statement statement = connection.createStatement()) {
            for (String sql : List.of(
                    "select pid, application_name, client_port, state, wait_event_type, wait_event, now() - xact_start as in_transaction, pg_blocking_pids(pid) as blocked_by, left(query, 200) as query "
                            + "from pg_stat_activity where datname = 'postgres' and pid <> pg_backend_pid() order by xact_start nulls last",
                    "select l.pid, l.mode, l.granted, c.relname from pg_locks l left join pg_class c on c.oid = l.relation where c.relname in ('leases', 'source_state', 'group_heads', 'messages') order by l.pid",
                    "select unit, owner, epoch, expires_at, now() as now from leases")) {
                System.out.println("---- " + sql);
                try (ResultSet rows = statement.executeQuery(sql)) {
                    int columns = rows.getMetaData().getColumnCount();
                    while (rows.next()) {
                        StringBuilder line = new StringBuilder();
                        for (int column = 1; column <= columns; column++) {
                            line.append(column == 1 ? "" : " | ").append(rows.getString(column));
                        }
                        System.out.println(line);
                    }
                }
            }
        }
        catch (SQLException e) {
            System.out.println("cannot read the metadata store's sessions: " + e.getMessage());
        }
    }

    private static void signal(Process process, String signal)
            throws IOException, InterruptedException
    {
        Process kill = new ProcessBuilder("kill", signal, Long.toString(process.pid())).inheritIO().start();
        assertThat(kill.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }

    private JsonNode create(String path, String body)
            throws IOException, InterruptedException
    {
        HttpResponse<String> response = processes.send("POST", api + path, token, body);
        assertThat(response.statusCode()).as(path + ": " + response.body()).isEqualTo(201);
        return JSON.readTree(response.body());
    }

    // ---- pacing and waiting

    /** Lets the load run a random 1–3 s between faults (pacing of the faults, not a wait for a result). */
    private void pause()
            throws InterruptedException
    {
        Thread.sleep(1000 + random.nextInt(2000));
    }

    /** Waits until the live pull consumer has been handed new messages: the system is streaming again. */
    private void awaitDelivery(PullReader live, String what)
    {
        long before = live.received();
        awaitProgress(() -> live.received() > before, what);
    }

    private static void awaitProgress(BooleanSupplier condition, String what)
    {
        await().alias(what).atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(100)).until(condition::getAsBoolean);
    }

    private void count(String fault)
    {
        faults.merge(fault, 1, Integer::sum);
        System.out.println("fault: " + fault);
    }

    // ---- report

    private ObjectNode report(Instant started, SourceLoad load, Map<String, Map<String, History.Committed>> committedFor, Map<String, History> histories,
            Map<String, PullReader> readers, WebhookReceiver receiver)
    {
        ObjectNode report = JSON.createObjectNode();
        report.put("seed", seed);
        report.put("mode", minutes > 0 ? "soak of " + minutes + " minutes" : "short scripted run");
        report.put("seconds", Duration.between(started, Instant.now()).toSeconds());
        report.put("source_transactions_committed", load.committedTransactions());
        report.put("source_transactions_failed_by_faults", load.failedTransactions());
        report.put("source_rows", committedFor.get("live").size());
        ObjectNode injected = report.putObject("faults_injected");
        faults.forEach(injected::put);
        report.put("faults_total", faults.values().stream().mapToInt(Integer::intValue).sum());
        ObjectNode consumers = report.putObject("consumers");
        histories.forEach((name, history) -> {
            History.Result result = history.check(committedFor.get(name));
            ObjectNode consumer = consumers.putObject(name);
            consumer.put("keys", result.keys());
            consumer.put("messages_checked", result.messagesChecked());
            consumer.put("lost", result.lost());
            consumer.put("out_of_order", result.outOfOrder());
            consumer.put("duplicates", result.duplicates());
            consumer.put("unexpected", result.unexpected());
            consumer.put("redeliveries", result.redeliveries());
            result.examples().forEach(consumer.putArray("examples")::add);
            if (readers.containsKey(name)) {
                ObjectNode failures = consumer.putObject("api_calls_failed");
                readers.get(name).failures().forEach(failures::put);
            }
        });
        report.put("webhook_requests", receiver.requests());
        return report;
    }

    /** How many times a worker handed a unit back to balance the load, from every process's log. */
    private long balanceMoves()
            throws IOException
    {
        long moves = 0;
        try (Stream<Path> files = Files.list(directory)) {
            for (Path log : files.filter(file -> file.toString().endsWith(".log")).toList()) {
                moves += Files.readAllLines(log).stream().filter(line -> line.contains("to balance the load (")).count();
            }
        }
        return moves;
    }

    private void printLogs()
            throws IOException
    {
        try (Stream<Path> files = Files.list(directory)) {
            for (Path log : files.filter(file -> file.toString().endsWith(".log")).sorted().toList()) {
                List<String> lines = Files.readAllLines(log);
                System.out.println("==== " + log.getFileName() + " (last 200 lines)");
                lines.subList(Math.max(0, lines.size() - 200), lines.size()).forEach(System.out::println);
            }
        }
    }

    private record Worker(Process process, String log) {}
}
