package dev.sluice.control.endpoint;

import dev.sluice.control.Lookup;
import dev.sluice.control.Names;
import dev.sluice.control.idempotency.Idempotency;
import dev.sluice.core.error.ErrorCode;
import dev.sluice.core.error.SluiceException;
import dev.sluice.core.id.AccountId;
import dev.sluice.core.id.ResourceKind;
import dev.sluice.core.net.WebhookTargets;
import dev.sluice.core.secret.SecretBox;
import dev.sluice.store.Json;
import dev.sluice.store.Page;
import dev.sluice.store.Store;
import dev.sluice.store.consumer.ConsumerDao;
import dev.sluice.store.endpoint.HttpEndpoint;
import dev.sluice.store.endpoint.HttpEndpointDao;
import dev.sluice.store.endpoint.RetiredSigningSecret;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/** Webhook targets of an account, with their headers and signing secrets. */
public final class HttpEndpointService
{
    /** As openapi.yaml says of headers and secret_headers. */
    private static final int MAX_HEADER_VALUE_LENGTH = 4096;
    private static final Pattern HEADER_NAME = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]{1,256}");
    /** Bounds the signatures on each request: rotations beyond this many within the grace period are refused. */
    private static final int MAX_RETIRED_SIGNING_SECRETS = 10;
    private static final Set<String> RESERVED_HEADERS = Set.of("host", "content-length", "content-type", "transfer-encoding", "connection",
            "webhook-id", "webhook-timestamp", "webhook-signature", "user-agent");

    private final Store store;
    private final Idempotency idempotency;
    private final SecretBox secrets;
    private final WebhookTargets targets;

    public HttpEndpointService(Store store, Idempotency idempotency, SecretBox secrets, WebhookTargets targets)
    {
        this.store = requireNonNull(store, "store is null");
        this.idempotency = requireNonNull(idempotency, "idempotency is null");
        this.secrets = requireNonNull(secrets, "secrets is null");
        this.targets = requireNonNull(targets, "targets is null");
    }

    /**
     * Creates an endpoint with the signing secret given (in its Standard Webhooks form) or a generated one.
     * The answer carries a generated or converted secret, the only time it leaves the server.
     */
    public CreatedEndpoint create(AccountId accountId, Optional<String> idempotencyKey, EndpointInput input, Object request)
    {
        check(input);
        Map<String, String> headers = Map.copyOf(input.headers().orElse(Map.of()));
        Map<String, String> secretHeaders = Map.copyOf(input.secretHeaders().orElse(Map.of()));
        String signingSecret = input.signingSecret().map(given -> SigningSecrets.canonical("signing_secret", given)).orElseGet(SigningSecrets::generate);
        Optional<String> shown = input.signingSecret().filter(signingSecret::equals).isPresent() ? Optional.empty() : Optional.of(signingSecret);
        return idempotency.create(accountId.value(), idempotencyKey, "createHttpEndpoint", request, CreatedEndpoint.class, handle -> {
            String id = ResourceKind.HTTP_ENDPOINT.newId();
            Instant now = Instant.now();
            HttpEndpoint endpoint = new HttpEndpoint(accountId, id, input.name().orElseThrow(), input.url().orElseThrow(), headers,
                    encryptHeaders(secretHeaders), List.copyOf(new TreeMap<>(secretHeaders).keySet()),
                    Optional.of(secrets.encrypt(signingSecret)), List.of(), now, now);
            HttpEndpointDao endpoints = handle.attach(HttpEndpointDao.class);
            Names.unique(ResourceKind.HTTP_ENDPOINT, endpoint.name(), () -> {
                endpoints.insert(endpoint);
                return null;
            });
            return new CreatedEndpoint(endpoints.findById(accountId, id).orElseThrow(), shown);
        });
    }

    public HttpEndpoint get(AccountId accountId, String idOrName)
    {
        HttpEndpointDao endpoints = store.onDemand(HttpEndpointDao.class);
        return Lookup.find(ResourceKind.HTTP_ENDPOINT, idOrName, id -> endpoints.findById(accountId, id), name -> endpoints.findByName(accountId, name));
    }

    public Page<HttpEndpoint> list(AccountId accountId, String after, int limit)
    {
        return Page.of(store.onDemand(HttpEndpointDao.class).list(accountId, after, limit + 1), limit, HttpEndpoint::id);
    }

    /**
     * Applies the fields present. A new signing secret retires the current one, which keeps signing for
     * {@link HttpEndpoint#ROTATION_GRACE} so receivers can switch without rejecting messages signed in
     * between; the answer carries the new secret when it was converted to the Standard Webhooks form.
     */
    public CreatedEndpoint update(AccountId accountId, String idOrName, EndpointInput changes)
    {
        check(changes);
        Optional<Map<String, String>> headers = changes.headers().map(Map::copyOf);
        Optional<Map<String, String>> secretHeaders = changes.secretHeaders().map(Map::copyOf);
        Optional<String> signingSecret = changes.signingSecret().map(given -> SigningSecrets.canonical("signing_secret", given));
        HttpEndpoint updated = store.inTransaction(handle -> {
            HttpEndpointDao endpoints = handle.attach(HttpEndpointDao.class);
            HttpEndpoint current = Lookup.find(ResourceKind.HTTP_ENDPOINT, idOrName, id -> endpoints.findById(accountId, id), name -> endpoints.findByName(accountId, name));
            HttpEndpoint changed = new HttpEndpoint(accountId, current.id(), changes.name().orElse(current.name()), changes.url().orElse(current.url()),
                    headers.orElse(current.headers()),
                    secretHeaders.isPresent() ? encryptHeaders(secretHeaders.get()) : current.secretHeadersEncrypted(),
                    secretHeaders.map(map -> List.copyOf(new TreeMap<>(map).keySet())).orElse(current.secretHeaderNames()),
                    current.signingSecretEncrypted(), current.retiredSigningSecrets(), current.createdAt(), current.updatedAt());
            if (signingSecret.isPresent()) {
                changed = rotated(changed, signingSecret.get());
            }
            HttpEndpoint result = changed;
            Names.unique(ResourceKind.HTTP_ENDPOINT, result.name(), () -> endpoints.update(result));
            return endpoints.findById(accountId, current.id()).orElseThrow();
        });
        // the caller has the secret it gave; one given as text is shown in the whsec_ form it was converted to
        return new CreatedEndpoint(updated, signingSecret.filter(canonical -> !changes.signingSecret().get().equals(canonical)));
    }

    /** Replaces the signing secret by a generated one; the answer carries it, the only time it leaves the server. */
    public CreatedEndpoint rotateSigningSecret(AccountId accountId, String idOrName)
    {
        String signingSecret = SigningSecrets.generate();
        HttpEndpoint updated = store.inTransaction(handle -> {
            HttpEndpointDao endpoints = handle.attach(HttpEndpointDao.class);
            HttpEndpoint current = Lookup.find(ResourceKind.HTTP_ENDPOINT, idOrName, id -> endpoints.findById(accountId, id), name -> endpoints.findByName(accountId, name));
            endpoints.update(rotated(current, signingSecret));
            return endpoints.findById(accountId, current.id()).orElseThrow();
        });
        return new CreatedEndpoint(updated, Optional.of(signingSecret));
    }

    /** The endpoint signing with {@code next}; the current secret is retired and signs on for the grace period, as do those retired before it. */
    private HttpEndpoint rotated(HttpEndpoint current, String next)
    {
        boolean same = current.signingSecretEncrypted().map(secrets::decrypt).filter(next::equals).isPresent();
        if (same) {
            return current;
        }
        Instant now = Instant.now();
        List<RetiredSigningSecret> retired = current.retiredSigningSecretsValidAt(now);
        if (retired.size() >= MAX_RETIRED_SIGNING_SECRETS) {
            throw new SluiceException(ErrorCode.INVALID_STATE, "HTTP endpoint '" + current.name() + "' already has " + MAX_RETIRED_SIGNING_SECRETS
                    + " replaced signing secrets in their 24-hour grace period; rotate again after "
                    + retired.stream().map(RetiredSigningSecret::validUntil).min(Instant::compareTo).orElseThrow() + ", when the oldest expires");
        }
        return current.withSigningSecret(secrets.encrypt(next), now);
    }

    /**
     * Gives every endpoint created before secrets were generated one, so every request is signed; their
     * owners see it by rotating. Returns how many were given one.
     */
    public int signUnsignedEndpoints()
    {
        HttpEndpointDao endpoints = store.onDemand(HttpEndpointDao.class);
        int signed = 0;
        for (HttpEndpoint endpoint : endpoints.unsignedAcrossAccounts()) {
            signed += endpoints.setFirstSigningSecret(endpoint.accountId(), endpoint.id(), secrets.encrypt(SigningSecrets.generate()));
        }
        return signed;
    }

    public void delete(AccountId accountId, String idOrName)
    {
        store.useTransaction(handle -> {
            HttpEndpointDao endpoints = handle.attach(HttpEndpointDao.class);
            HttpEndpoint endpoint = Lookup.find(ResourceKind.HTTP_ENDPOINT, idOrName, id -> endpoints.findById(accountId, id), name -> endpoints.findByName(accountId, name));
            List<String> users = handle.attach(ConsumerDao.class).namesPushingTo(accountId, endpoint.id());
            if (!users.isEmpty()) {
                throw new SluiceException(ErrorCode.IN_USE, "HTTP endpoint '" + endpoint.name() + "' is used by consumers " + String.join(", ", users)
                        + "; delete them or point them at another endpoint first");
            }
            endpoints.delete(accountId, endpoint.id());
        });
    }

    /**
     * Checks every field present and refuses with all that are wrong at once, each at its field: the one
     * check of an endpoint's fields, for the API and the console alike.
     */
    public void check(EndpointInput input)
    {
        List<SluiceException.FieldError> errors = new ArrayList<>();
        collect(errors, () -> input.name().ifPresent(name -> Names.check(ResourceKind.HTTP_ENDPOINT, name)));
        collect(errors, () -> input.url().ifPresent(this::checkUrl));
        collect(errors, () -> input.headers().ifPresent(map -> checkHeaders("headers", map)));
        collect(errors, () -> input.secretHeaders().ifPresent(map -> checkHeaders("secret_headers", map)));
        collect(errors, () -> input.signingSecret().ifPresent(given -> SigningSecrets.canonical("signing_secret", given)));
        if (!errors.isEmpty()) {
            String detail = errors.stream().map(error -> error.field() + ": " + error.message()).reduce((a, b) -> a + "; " + b).orElseThrow();
            throw new SluiceException(ErrorCode.VALIDATION_FAILED, detail, errors, null);
        }
    }

    private static void collect(List<SluiceException.FieldError> errors, Runnable check)
    {
        try {
            check.run();
        }
        catch (SluiceException e) {
            if (e.fieldErrors().isEmpty()) {
                throw e;
            }
            errors.addAll(e.fieldErrors());
        }
    }

    private Optional<String> encryptHeaders(Map<String, String> headers)
    {
        return headers.isEmpty() ? Optional.empty() : Optional.of(secrets.encrypt(Json.write(new TreeMap<>(headers))));
    }

    private void checkUrl(String url)
    {
        targets.refusal(url).ifPresent(reason -> {
            throw SluiceException.invalid("url", reason);
        });
    }

    private static Map<String, String> checkHeaders(String field, Map<String, String> headers)
    {
        for (Map.Entry<String, String> header : headers.entrySet()) {
            String name = header.getKey();
            if (!HEADER_NAME.matcher(name).matches()) {
                throw SluiceException.invalid(field + "." + name, "is not a valid HTTP header name");
            }
            if (RESERVED_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
                throw SluiceException.invalid(field + "." + name, "is set by Sluice and cannot be configured");
            }
            String value = header.getValue();
            if (value == null || value.chars().anyMatch(c -> c == '\r' || c == '\n' || c == 0)) {
                throw SluiceException.invalid(field + "." + name, "must be a single-line string");
            }
            if (value.length() > MAX_HEADER_VALUE_LENGTH) {
                throw SluiceException.invalid(field + "." + name, "must be at most " + MAX_HEADER_VALUE_LENGTH + " characters");
            }
        }
        return Map.copyOf(headers);
    }

    /** Fields of an endpoint as given on create (all required ones present) or update (absent: unchanged). */
    public record EndpointInput(Optional<String> name, Optional<String> url, Optional<Map<String, String>> headers,
            Optional<Map<String, String>> secretHeaders, Optional<String> signingSecret)
    {
        public EndpointInput
        {
            requireNonNull(name, "name is null");
            requireNonNull(url, "url is null");
            requireNonNull(headers, "headers is null");
            requireNonNull(secretHeaders, "secretHeaders is null");
            requireNonNull(signingSecret, "signingSecret is null");
        }
    }

    /** An endpoint as created or changed, with its signing secret when this answer is the one that shows it (generated or converted). */
    public record CreatedEndpoint(HttpEndpoint endpoint, Optional<String> signingSecret)
    {
        public CreatedEndpoint
        {
            requireNonNull(endpoint, "endpoint is null");
            requireNonNull(signingSecret, "signingSecret is null");
        }
    }
}
