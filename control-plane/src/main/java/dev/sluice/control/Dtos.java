package dev.sluice.control;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;

/** Small conversions shared by the resources' DTO mappings. */
public final class Dtos
{
    private Dtos() {}

    public static OffsetDateTime time(Instant instant)
    {
        return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
    }

    public static OffsetDateTime time(Optional<Instant> instant)
    {
        return instant.map(Dtos::time).orElse(null);
    }
}
