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

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;

/**
 * The generated API classes, each with its error responses turned into {@link SluiceApiException}: the
 * generated {@code getApiException} is their one hook for that. One subclass per tag of openapi.yaml.
 */
final class ProblemAwareApis
{
    private ProblemAwareApis() {}

    static final class Accounts
            extends AccountsApi
    {
        private final ObjectMapper json;

        Accounts(ApiClient client)
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

    static final class Me
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

    static final class Tokens
            extends TokensApi
    {
        private final ObjectMapper json;

        Tokens(ApiClient client)
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

    static final class Sources
            extends SourcesApi
    {
        private final ObjectMapper json;

        Sources(ApiClient client)
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

    static final class HttpEndpoints
            extends HttpEndpointsApi
    {
        private final ObjectMapper json;

        HttpEndpoints(ApiClient client)
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

    static final class Consumers
            extends ConsumersApi
    {
        private final ObjectMapper json;

        Consumers(ApiClient client)
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

    static final class Backfills
            extends BackfillsApi
    {
        private final ObjectMapper json;

        Backfills(ApiClient client)
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

    static final class DeadLetters
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

    static final class Messages
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
