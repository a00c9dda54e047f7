package dev.sluice.control.console;

import io.dropwizard.views.common.View;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * A console page: a FreeMarker template ({@code .ftlh}, so every value is HTML-escaped) over a model of
 * plain strings, lists and maps, with what the layout needs (title, account, CSRF token, a message).
 */
public final class ConsolePage
        extends View
{
    private final String title;
    private final Map<String, Object> model;
    private final Optional<String> account;
    private final Optional<String> csrf;
    private final Optional<String> error;
    private final ConsoleScopes can;

    ConsolePage(String template, String title, Map<String, Object> model, Optional<String> account, Optional<String> csrf, Optional<String> error)
    {
        this(template, title, model, account, csrf, error, new ConsoleScopes(false, false));
    }

    ConsolePage(String template, String title, Map<String, Object> model, Optional<String> account, Optional<String> csrf, Optional<String> error, ConsoleScopes can)
    {
        super(template + ".ftlh", StandardCharsets.UTF_8);
        this.title = requireNonNull(title, "title is null");
        this.model = Map.copyOf(requireNonNull(model, "model is null"));
        this.account = requireNonNull(account, "account is null");
        this.csrf = requireNonNull(csrf, "csrf is null");
        this.error = requireNonNull(error, "error is null");
        this.can = requireNonNull(can, "can is null");
    }

    /** What the signed-in token may do ({@code can.manage}, {@code can.read}): the layout offers only that. */
    public Map<String, Object> getCan()
    {
        return can.model();
    }

    public String getTitle()
    {
        return title;
    }

    public Map<String, Object> getModel()
    {
        return model;
    }

    /** The account's name, empty on the login page. */
    public String getAccount()
    {
        return account.orElse("");
    }

    public String getCsrf()
    {
        return csrf.orElse("");
    }

    public String getError()
    {
        return error.orElse("");
    }
}
