package dev.sluice.server;

import dev.sluice.control.ControlPlane;
import dev.sluice.control.consumer.ConsumerInput;
import dev.sluice.control.source.SourceService;
import dev.sluice.store.Store;
import dev.sluice.store.account.Account;
import dev.sluice.store.account.AccountDao;
import dev.sluice.store.consumer.ConsumerDao;
import dev.sluice.store.consumer.TableSelection;
import dev.sluice.store.source.SourceDao;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * {@code sluice dev --demo}: a table in the demo database that gets a new row every second (and some
 * updates), a source for it and a pull consumer, so that a newcomer receives messages at once.
 */
final class DemoMode
{
    static final String SOURCE = "demo";
    static final String CONSUMER = "demo-orders";
    private static final Logger LOG = LoggerFactory.getLogger(DemoMode.class);
    private static final String[] CUSTOMERS = {"ada", "grace", "linus", "barbara", "ken", "margaret"};

    private DemoMode() {}

    static void start(ControlPlane controlPlane, Store store, int postgresPort, String baseUrl)
    {
        String url = "jdbc:postgresql://127.0.0.1:" + postgresPort + "/" + DevMode.DEMO_DATABASE;
        execute(url, """
                create table if not exists demo_orders (
                    id bigserial primary key, customer text not null, amount numeric(10, 2) not null,
                    status text not null default 'new', created_at timestamptz not null default now())
                """);
        Account account = store.onDemand(AccountDao.class).findByName(DevMode.ACCOUNT_NAME).orElseThrow();
        if (store.onDemand(SourceDao.class).findByName(account.id(), SOURCE).isEmpty()) {
            controlPlane.sources().create(account.id(), Optional.empty(), new SourceService.NewSource(SOURCE, "127.0.0.1", postgresPort, DevMode.DEMO_DATABASE,
                    DevMode.DEMO_USER, DevMode.DEMO_PASSWORD, "disable", Optional.empty(), Optional.empty(), true, true), SOURCE);
        }
        if (store.onDemand(ConsumerDao.class).findByName(account.id(), CONSUMER).isEmpty()) {
            controlPlane.consumers().create(account.id(), Optional.empty(), new ConsumerInput(Optional.of(CONSUMER), Optional.of(SOURCE), Optional.of("pull"),
                    Optional.of(List.of(new TableSelection("public", "demo_orders", List.of()))), Optional.empty(), Optional.empty(), Optional.empty(),
                    Optional.empty(), Optional.empty(), Optional.of(10), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                    Optional.empty()), CONSUMER);
        }
        Thread trickle = new Thread(() -> trickle(url), "sluice-demo-trickle");
        trickle.setDaemon(true);
        trickle.start();
        System.out.println("""
                 Demo: a row goes into demo.public.demo_orders every second, and the
                 pull consumer %2$s receives it:
                   curl -s -H "Authorization: Bearer $SLUICE_TOKEN" -H 'Content-Type: application/json' \\
                     -d '{"batch_size": 10, "wait_seconds": 5}' %1$s/v1/consumers/%2$s/receive
                 then acknowledge what you received, by ack_id:
                   curl -s -H "Authorization: Bearer $SLUICE_TOKEN" -H 'Content-Type: application/json' \\
                     -d '{"ack_ids": ["<ack_id>"]}' %1$s/v1/consumers/%2$s/ack
                ======================================================================
                """.formatted(baseUrl, CONSUMER));
    }

    private static void trickle(String url)
    {
        long tick = 0;
        while (!Thread.currentThread().isInterrupted()) {
            try (Connection connection = DriverManager.getConnection(url, DevMode.DEMO_USER, DevMode.DEMO_PASSWORD)) {
                while (!Thread.currentThread().isInterrupted()) {
                    ThreadLocalRandom random = ThreadLocalRandom.current();
                    try (Statement statement = connection.createStatement()) {
                        statement.execute("insert into demo_orders (customer, amount) values ('" + CUSTOMERS[random.nextInt(CUSTOMERS.length)] + "', "
                                + random.nextInt(100, 100_000) / 100.0 + ")");
                        if (++tick % 3 == 0) {
                            statement.execute("update demo_orders set status = 'paid' where id = (select id from demo_orders where status = 'new' order by id limit 1)");
                        }
                    }
                    Thread.sleep(1000);
                }
            }
            catch (SQLException e) {
                LOG.warn("demo rows paused: {}", e.getMessage());
                sleep();
            }
            catch (InterruptedException e) {
                return;
            }
        }
    }

    private static void execute(String url, String sql)
    {
        try (Connection connection = DriverManager.getConnection(url, DevMode.DEMO_USER, DevMode.DEMO_PASSWORD); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
        catch (SQLException e) {
            throw new IllegalStateException("cannot prepare the demo table: " + e.getMessage(), e);
        }
    }

    private static void sleep()
    {
        try {
            Thread.sleep(1000);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
