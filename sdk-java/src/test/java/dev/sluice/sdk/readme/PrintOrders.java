package dev.sluice.sdk.readme;

import dev.sluice.sdk.ConsumerLoop;
import dev.sluice.sdk.SluiceClient;

import java.net.URI;

public class PrintOrders
{
    public static void main(String[] args)
            throws InterruptedException
    {
        SluiceClient client = SluiceClient.builder()
                .endpoint(URI.create(System.getenv("SLUICE")))
                .token(System.getenv("SLUICE_TOKEN"))
                .build();

        // Up to four messages at a time. A handler that returns acks its message; one that throws
        // nacks it, and the message comes back later. Acks go in batches; one that fails is reported.
        ConsumerLoop loop = client.consumerLoop("demo-orders")
                .concurrency(4)
                .onAckFailure(failure -> System.err.println("not acknowledged: " + failure))
                .start(message -> System.out.println(message.getAction() + " " + message.getRecord()));

        // Ctrl-C: stop receiving, let the running handlers finish and send their acks, then exit.
        Runtime.getRuntime().addShutdownHook(new Thread(loop::close));
        loop.awaitTermination();
    }
}
