package dev.sluice.sdk;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.sdk.api.AccountsApi;
import dev.sluice.sdk.api.BackfillsApi;
import dev.sluice.sdk.api.ConsumersApi;
import dev.sluice.sdk.api.DeadLettersApi;
import dev.sluice.sdk.api.HttpEndpointsApi;
import dev.sluice.sdk.api.MeApi;
import dev.sluice.sdk.api.MessagesApi;
import dev.sluice.sdk.api.SourcesApi;
import dev.sluice.sdk.api.TokensApi;
import dev.sluice.sdk.invoker.ApiClient;
import dev.sluice.sdk.invoker.ApiException;
import dev.sluice.sdk.model.AccountCreate;
import dev.sluice.sdk.model.AccountCreated;
import dev.sluice.sdk.model.ApiTokenCreate;
import dev.sluice.sdk.model.ApiTokenCreated;
import dev.sluice.sdk.model.Backfill;
import dev.sluice.sdk.model.BackfillCreate;
import dev.sluice.sdk.model.ConsumerCreate;
import dev.sluice.sdk.model.HttpEndpoint;
import dev.sluice.sdk.model.HttpEndpointCreate;
import dev.sluice.sdk.model.SluiceConsumer;
import dev.sluice.sdk.model.Source;
import dev.sluice.sdk.model.SourceCreate;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;

/**
 * The generated API classes as {@link SluiceClient} hands them out, one per tag of openapi.yaml: their error
 * responses are thrown as {@link SluiceApiException} (the generated {@code getApiException} is the one hook
 * for that), and each create has an overload without the {@code Idempotency-Key}, for which the client
 * sends a new random key.
 */
public final class SluiceApis
{
    private SluiceApis() {}

    public static final class Accounts
            extends AccountsApi
    {
        private final ObjectMapper json;

        Accounts(ApiClient client)
        {
            super(client);
            this.json = client.getObjectMapper();
        }

        /** {@link #createAccount(AccountCreate, String)} with a new random idempotency key. */
        public AccountCreated createAccount(AccountCreate accountCreate)
        {
            return createAccount(accountCreate, null);
        }

        @Override
        protected ApiException getApiException(String operationId, HttpResponse<InputStream> response)
                throws IOException
        {
            return SluiceApiException.from(operationId, response, json);
        }
    }

    public static final class Me
            extends MeApi
    {
        private final ObjectMapper json;

        Me(ApiClient client)
        {
            super(client);
            this.json = client.getObjectMapper();
        }

        @Override
        protected ApiException getApiException(String operationId, HttpResponse<InputStream> response)
                throws IOException
        {
            return SluiceApiException.from(operationId, response, json);
        }
    }

    public static final class Tokens
            extends TokensApi
    {
        private final ObjectMapper json;

        Tokens(ApiClient client)
        {
            super(client);
            this.json = client.getObjectMapper();
        }

        /** {@link #createToken(ApiTokenCreate, String)} with a new random idempotency key. */
        public ApiTokenCreated createToken(ApiTokenCreate apiTokenCreate)
        {
            return createToken(apiTokenCreate, null);
        }

        @Override
        protected ApiException getApiException(String operationId, HttpResponse<InputStream> response)
                throws IOException
        {
            return SluiceApiException.from(operationId, response, json);
        }
    }

    public static final class Sources
            extends SourcesApi
    {
        private final ObjectMapper json;

        Sources(ApiClient client)
        {
            super(client);
            this.json = client.getObjectMapper();
        }

        /** {@link #createSource(SourceCreate, String)} with a new random idempotency key. */
        public Source createSource(SourceCreate sourceCreate)
        {
            return createSource(sourceCreate, null);
        }

        @Override
        protected ApiException getApiException(String operationId, HttpResponse<InputStream> response)
                throws IOException
        {
            return SluiceApiException.from(operationId, response, json);
        }
    }

    public static final class HttpEndpoints
            extends HttpEndpointsApi
    {
        private final ObjectMapper json;

        HttpEndpoints(ApiClient client)
        {
            super(client);
            this.json = client.getObjectMapper();
        }

        /** {@link #createHttpEndpoint(HttpEndpointCreate, String)} with a new random idempotency key. */
        public HttpEndpoint createHttpEndpoint(HttpEndpointCreate httpEndpointCreate)
        {
            return createHttpEndpoint(httpEndpointCreate, null);
        }

        @Override
        protected ApiException getApiException(String operationId, HttpResponse<InputStream> response)
                throws IOException
        {
            return SluiceApiException.from(operationId, response, json);
        }
    }

    public static final class Consumers
            extends ConsumersApi
    {
        private final ObjectMapper json;

        Consumers(ApiClient client)
        {
            super(client);
            this.json = client.getObjectMapper();
        }

        /** {@link #createConsumer(ConsumerCreate, String)} with a new random idempotency key. */
        public SluiceConsumer createConsumer(ConsumerCreate consumerCreate)
        {
            return createConsumer(consumerCreate, null);
        }

        @Override
        protected ApiException getApiException(String operationId, HttpResponse<InputStream> response)
                throws IOException
        {
            return SluiceApiException.from(operationId, response, json);
        }
    }

    public static final class Backfills
            extends BackfillsApi
    {
        private final ObjectMapper json;

        Backfills(ApiClient client)
        {
            super(client);
            this.json = client.getObjectMapper();
        }

        /** {@link #createBackfill(String, BackfillCreate, String)} with a new random idempotency key. */
        public Backfill createBackfill(String consumerId, BackfillCreate backfillCreate)
        {
            return createBackfill(consumerId, backfillCreate, null);
        }

        @Override
        protected ApiException getApiException(String operationId, HttpResponse<InputStream> response)
                throws IOException
        {
            return SluiceApiException.from(operationId, response, json);
        }
    }

    public static final class DeadLetters
            extends DeadLettersApi
    {
        private final ObjectMapper json;

        DeadLetters(ApiClient client)
        {
            super(client);
            this.json = client.getObjectMapper();
        }

        @Override
        protected ApiException getApiException(String operationId, HttpResponse<InputStream> response)
                throws IOException
        {
            return SluiceApiException.from(operationId, response, json);
        }
    }

    public static final class Messages
            extends MessagesApi
    {
        private final ObjectMapper json;

        Messages(ApiClient client)
        {
            super(client);
            this.json = client.getObjectMapper();
        }

        @Override
        protected ApiException getApiException(String operationId, HttpResponse<InputStream> response)
                throws IOException
        {
            return SluiceApiException.from(operationId, response, json);
        }
    }
}
