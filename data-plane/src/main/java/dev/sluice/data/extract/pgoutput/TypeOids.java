package dev.sluice.data.extract.pgoutput;

import java.util.Map;
import java.util.OptionalInt;

/**
 * OIDs of the built-in Postgres types the {@link ValueConverter} treats specially (from
 * {@code pg_type.dat}; built-in OIDs are the same in every database and version). Any other
 * type, including enums, domains and extension types, is converted as text.
 */
public final class TypeOids
{
    public static final int BOOL = 16;
    public static final int BYTEA = 17;
    public static final int CHAR = 18;
    public static final int NAME = 19;
    public static final int INT8 = 20;
    public static final int INT2 = 21;
    public static final int INT4 = 23;
    public static final int TEXT = 25;
    public static final int OID = 26;
    public static final int JSON = 114;
    public static final int XML = 142;
    public static final int CIDR = 650;
    public static final int FLOAT4 = 700;
    public static final int FLOAT8 = 701;
    public static final int MONEY = 790;
    public static final int MACADDR = 829;
    public static final int INET = 869;
    public static final int BPCHAR = 1042;
    public static final int VARCHAR = 1043;
    public static final int DATE = 1082;
    public static final int TIME = 1083;
    public static final int TIMESTAMP = 1114;
    public static final int TIMESTAMPTZ = 1184;
    public static final int INTERVAL = 1186;
    public static final int TIMETZ = 1266;
    public static final int NUMERIC = 1700;
    public static final int UUID = 2950;
    public static final int JSONB = 3802;

    public static final int JSON_ARRAY = 199;
    public static final int CIDR_ARRAY = 651;
    public static final int BOOL_ARRAY = 1000;
    public static final int BYTEA_ARRAY = 1001;
    public static final int CHAR_ARRAY = 1002;
    public static final int NAME_ARRAY = 1003;
    public static final int INT2_ARRAY = 1005;
    public static final int INT4_ARRAY = 1007;
    public static final int TEXT_ARRAY = 1009;
    public static final int BPCHAR_ARRAY = 1014;
    public static final int VARCHAR_ARRAY = 1015;
    public static final int INT8_ARRAY = 1016;
    public static final int FLOAT4_ARRAY = 1021;
    public static final int FLOAT8_ARRAY = 1022;
    public static final int OID_ARRAY = 1028;
    public static final int MACADDR_ARRAY = 1040;
    public static final int INET_ARRAY = 1041;
    public static final int TIMESTAMP_ARRAY = 1115;
    public static final int DATE_ARRAY = 1182;
    public static final int TIME_ARRAY = 1183;
    public static final int TIMESTAMPTZ_ARRAY = 1185;
    public static final int INTERVAL_ARRAY = 1187;
    public static final int NUMERIC_ARRAY = 1231;
    public static final int TIMETZ_ARRAY = 1270;
    public static final int UUID_ARRAY = 2951;
    public static final int JSONB_ARRAY = 3807;

    private static final Map<Integer, Integer> ELEMENT_TYPES = Map.ofEntries(
            Map.entry(JSON_ARRAY, JSON),
            Map.entry(CIDR_ARRAY, CIDR),
            Map.entry(BOOL_ARRAY, BOOL),
            Map.entry(BYTEA_ARRAY, BYTEA),
            Map.entry(CHAR_ARRAY, CHAR),
            Map.entry(NAME_ARRAY, NAME),
            Map.entry(INT2_ARRAY, INT2),
            Map.entry(INT4_ARRAY, INT4),
            Map.entry(TEXT_ARRAY, TEXT),
            Map.entry(BPCHAR_ARRAY, BPCHAR),
            Map.entry(VARCHAR_ARRAY, VARCHAR),
            Map.entry(INT8_ARRAY, INT8),
            Map.entry(FLOAT4_ARRAY, FLOAT4),
            Map.entry(FLOAT8_ARRAY, FLOAT8),
            Map.entry(OID_ARRAY, OID),
            Map.entry(MACADDR_ARRAY, MACADDR),
            Map.entry(INET_ARRAY, INET),
            Map.entry(TIMESTAMP_ARRAY, TIMESTAMP),
            Map.entry(DATE_ARRAY, DATE),
            Map.entry(TIME_ARRAY, TIME),
            Map.entry(TIMESTAMPTZ_ARRAY, TIMESTAMPTZ),
            Map.entry(INTERVAL_ARRAY, INTERVAL),
            Map.entry(NUMERIC_ARRAY, NUMERIC),
            Map.entry(TIMETZ_ARRAY, TIMETZ),
            Map.entry(UUID_ARRAY, UUID),
            Map.entry(JSONB_ARRAY, JSONB));

    private TypeOids() {}

    /** The element type of a built-in array type this class knows, or empty. */
    public static OptionalInt elementType(int arrayTypeOid)
    {
        Integer element = ELEMENT_TYPES.get(arrayTypeOid);
        return element == null ? OptionalInt.empty() : OptionalInt.of(element);
    }

    /** All array types this class knows, with their element types. */
    public static Map<Integer, Integer> arrayElementTypes()
    {
        return ELEMENT_TYPES;
    }
}
