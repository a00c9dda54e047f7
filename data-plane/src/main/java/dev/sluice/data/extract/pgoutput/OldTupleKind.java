package dev.sluice.data.extract.pgoutput;

/**
 * What the old tuple of an update or delete holds, as chosen by the table's REPLICA IDENTITY.
 */
public enum OldTupleKind
{
    /** {@code 'K'}: only the replica identity key columns (the others are null). */
    KEY('K'),
    /** {@code 'O'}: the whole old row (REPLICA IDENTITY FULL). */
    FULL_ROW('O');

    private final char code;

    OldTupleKind(char code)
    {
        this.code = code;
    }

    public char code()
    {
        return code;
    }

    static boolean isCode(byte code)
    {
        return code == 'K' || code == 'O';
    }

    static OldTupleKind fromCode(byte code)
    {
        return switch (code) {
            case 'K' -> KEY;
            case 'O' -> FULL_ROW;
            default -> throw new PgOutputException("unknown old tuple kind: " + PgOutputException.describe(code));
        };
    }
}
