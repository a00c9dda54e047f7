/**
 * Consumer filters: a SQL {@code WHERE} condition over a row's columns, parsed once by
 * {@link dev.sluice.core.filter.Filter#parse}, evaluated in Java on changes from the WAL
 * ({@link dev.sluice.core.filter.Filter#matches}) and rendered to parameterised SQL for backfills
 * ({@link dev.sluice.core.filter.Filter#toSql}). Both come from the same
 * {@link dev.sluice.core.filter.Expression} tree, and {@code FilterPostgresAgreementIT} checks that
 * they keep the same rows as Postgres itself.
 *
 * <h2>Language</h2>
 * Column names (unquoted, folded to lower case; or double-quoted, kept as written); constants:
 * integers, decimals (exact, as {@code numeric}), quoted strings ({@code ''} for a quote; a backslash
 * is an ordinary character), {@code TRUE}, {@code FALSE}, {@code NULL}; {@code = <> != < <= > >=};
 * {@code AND OR NOT} and parentheses; {@code [NOT] IN (...)}; {@code [NOT] BETWEEN};
 * {@code [NOT] LIKE} and {@code [NOT] ILIKE} with {@code %}, {@code _}, a backslash escape and
 * {@code ESCAPE}; {@code IS [NOT] NULL}, {@code IS [NOT] TRUE|FALSE|UNKNOWN},
 * {@code IS [NOT] DISTINCT FROM}; casts {@code x::type} and {@code CAST(x AS type)} to
 * {@code integer}, {@code bigint}, {@code numeric}, {@code double precision}, {@code text},
 * {@code boolean}, {@code timestamptz}, {@code timestamp}, {@code date}, {@code jsonb}, and typed
 * literals such as {@code DATE '2024-01-31'}; {@code ->} and {@code ->>} with a key or an index;
 * {@code + - * /} and unary minus.
 * <p>
 * Refused with a {@link dev.sluice.core.filter.FilterException} naming the construct: more than
 * one statement ({@code ;}), comments, function calls, subqueries and {@code EXISTS}, parameters,
 * dollar quoting and string prefixes ({@code E'...'}), {@code CASE}, {@code ANY/ALL}, other
 * operators ({@code ||}, {@code %}, {@code @>}, {@code ~}, {@code SIMILAR TO}...), arrays, row
 * values, qualified names, {@code CURRENT_DATE} and other time-dependent values, type modifiers,
 * reserved words used as unquoted column names, and conditions that are not boolean
 * ({@code WHERE amount}). Filters are limited to 10,000 characters and 100 levels of nesting.
 *
 * <h2>Semantics</h2>
 * As in Postgres: three-valued logic (NULL propagates; {@code NULL AND FALSE} is false;
 * {@code NULL OR TRUE} is true; a row passes only when the condition is true); a quoted string takes
 * the type of the value it is compared with ({@code int_column = '5'}, {@code ts > '2024-01-31'},
 * {@code flag = 'yes'}), and two strings compare as text; numbers compare exactly across integer and
 * {@code numeric} types, and as {@code float8} when one side is a {@code float8} ({@code NaN} equals
 * itself and sorts above everything); {@code numeric} division keeps Postgres's scale; JSON follows
 * {@code jsonb} (a missing key or index gives NULL, a JSON {@code null} is not SQL NULL for
 * {@code ->} but is for {@code ->>}, numbers compare by value, text output orders keys as
 * {@code jsonb} does); casts read and print the text forms of Postgres's input and output functions.
 * <p>
 * Assumptions, which backfills must share to agree with streaming: the session time zone is UTC
 * (it decides how a date or timestamp without time zone compares with a {@code timestamptz}, and
 * how a {@code timestamptz} prints), and text compares in code point order with ASCII-only case
 * folding for {@code ILIKE}, which is what Postgres does under {@code COLLATE "C"}; columns with
 * another collation may order non-ASCII text differently.
 * <p>
 * Where Postgres raises an error for a row (an invalid cast, division by zero, comparing text with
 * a number), evaluation throws {@link dev.sluice.core.filter.FilterEvaluationException}, as the
 * backfill query would fail. Operands are evaluated left to right and {@code AND}/{@code OR} stop at
 * the first operand that decides, so {@code kind = 'n' AND payload::int > 0} does not fail on rows of
 * another kind; Postgres's planner may reorder conditions, so such a filter can still fail as SQL.
 * <p>
 * Known differences: integers are computed as {@code bigint}, so {@code int4} arithmetic that
 * overflows {@code integer} in Postgres succeeds here; date/time input accepts ISO 8601 forms,
 * {@code epoch} and {@code ±infinity} but not forms such as {@code 'Jan 31 2024'} or zone names;
 * ordering comparisons ({@code <}, {@code >}) between JSON values are refused; {@code json} (not
 * {@code jsonb}) columns are treated as {@code jsonb}, so {@code ->>} on a nested object prints it
 * in {@code jsonb} form; {@code real} values are widened to {@code double precision}; values of
 * other types ({@code uuid}, {@code time}, enums...) arrive as text and compare as text; a quoted
 * string that does not fit the column's type fails only on rows where the column is not NULL.
 * Parsing is stricter than Postgres in a few places: {@code x = 1 IS TRUE} and
 * {@code x IN (1) = y} need parentheses, and the columns {@code prior} and {@code output} need
 * double quotes (JSqlParser treats them as key words).
 */
package dev.sluice.core.filter;
