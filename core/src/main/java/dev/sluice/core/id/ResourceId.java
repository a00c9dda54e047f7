package dev.sluice.core.id;

import com.fasterxml.jackson.annotation.JsonValue;

/**
 * A typed resource id: the text of one {@link ResourceKind}'s id, checked when it is made. The store binds and
 * reads every one as that text, so a new kind of id needs no store change of its own.
 */
public sealed interface ResourceId
        permits AccountId, BackfillId, ConsumerId, SourceId
{
    /** The id's text, as the API and the store spell it; in JSON an id is this text. */
    @JsonValue
    String value();
}
