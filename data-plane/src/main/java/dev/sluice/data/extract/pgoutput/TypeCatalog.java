package dev.sluice.data.extract.pgoutput;

import java.util.Optional;

/**
 * What the source database says about a user-defined type (OID 16384 and above), which pgoutput
 * names only by OID: a domain is converted as its base type, an array of enums, domains or other
 * user-defined types as a JSON array of its elements. Implementations read {@code pg_type} and cache.
 */
public interface TypeCatalog
{
    /** Knows no user-defined type: domains arrive as text, arrays of user-defined types as their text. */
    TypeCatalog NONE = oid -> Optional.empty();

    /** The first OID Postgres gives to objects users create ({@code FirstNormalObjectId}). */
    int FIRST_USER_OID = 16384;

    Optional<UserType> describe(int oid);

    /**
     * A user-defined type: a domain over a base type, or an array of an element type.
     *
     * @param baseOid the type a domain is over ({@code pg_type.typbasetype}), 0 for other types
     * @param elementOid the element type of an array type ({@code pg_type.typelem} of a {@code typcategory 'A'} type), 0 for other types
     */
    record UserType(int oid, int baseOid, int elementOid) {}
}
