package dev.sluice.store.consumer;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import static java.util.Objects.requireNonNull;

/** Where a consumer (or a backfill) starts: the beginning of its tables, now, or a row. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record StartPosition(
        @JsonProperty("at") At at,
        @JsonProperty("sort_column") String sortColumn,
        @JsonProperty("value") String value)
{
    public StartPosition
    {
        requireNonNull(at, "at is null");
    }

    public static StartPosition now()
    {
        return new StartPosition(At.NOW, null, null);
    }

    /** The kinds of start position. */
    public enum At
    {
        @JsonProperty("beginning") BEGINNING,
        @JsonProperty("now") NOW,
        @JsonProperty("row") ROW
    }
}
