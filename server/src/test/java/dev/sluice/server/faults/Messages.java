package dev.sluice.server.faults;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;

/** How the fault suite reads a Sluice message: its key is table and id, its place in the key's history the row's version. */
final class Messages
{
    private Messages() {}

    static String key(JsonNode message)
    {
        return message.path("metadata").path("table_name").asText() + ":" + message.path("record").path("id").asLong();
    }

    static void delivered(History history, JsonNode message)
    {
        history.delivered(key(message), message.path("id").asText(), message.path("action").asText(), message.path("record").path("version").asLong());
        history.arrived(Instant.parse(message.path("metadata").path("commit_timestamp").asText()));
    }
}
