/**
 * Consumer filters: a SQL {@code WHERE} condition over a row's columns, parsed once by
 * {@link dev.sluice.core.filter.Filter#parse}, evaluated in Java on changes from the WAL
 * ({@link dev.sluice.core.filter.Filter#matches}) and rendered to parameterised SQL for backfills
 * ({@link dev.sluice.core.filter.Filter#toSql}). Both come from the same
 * {@link dev.sluice.core.filter.Expression} tree, and {@code FilterPostgresAgreementIT} checks that
 * they keep the same rows as Postgres itself.
 *
 * <h2>Language</h2>
 * The user's reference is {@code docs/messages.md#filters}; in short: column names (unquoted,
 * folded to lower case; or double-quoted), constants (integers, exact decimals, standard strings,
 * {@code TRUE FALSE NULL}, typed literals such as {@code DATE '2024-01-31'}, {@code ARRAY[...]});
 * {@code = <> != < <= > >=}, {@code op ANY|SOME|ALL (array)}; {@code AND OR NOT}; {@code [NOT] IN},
 * {@code [NOT] BETWEEN [SYMMETRIC]}, {@code [NOT] LIKE|ILIKE [ESCAPE]}; {@code IS [NOT] NULL|TRUE|FALSE|UNKNOWN},
 * {@code IS [NOT] DISTINCT FROM}, {@code ISNULL}, {@code NOTNULL}; casts ({@code ::} and {@code CAST}) to
 * the {@link dev.sluice.core.filter.CastType}s and arrays of them; {@code + - * / %} and unary minus;
 * {@code ||}; {@code -> ->>}; {@code ? ?| ?& @> <@} on {@code jsonb}; {@code @> <@ &&} on arrays;
 * the {@link dev.sluice.core.filter.FilterFunction}s {@code lower upper length abs coalesce}.
 * Operator precedence and associativity are Postgres's.
 * <p>
 * Refused with a {@link dev.sluice.core.filter.FilterException} naming the construct (and the
 * alternative where there is one): more than one statement, comments, other functions, subqueries,
 * parameters, dollar quoting and string prefixes, {@code CASE}, regular expressions and
 * {@code SIMILAR TO}, other operators, array subscripts, row values, qualified names,
 * {@code COLLATE}, time-dependent values ({@code now()}, {@code CURRENT_DATE}...), type modifiers,
 * reserved words as unquoted column names, and conditions that are not boolean. Filters are limited
 * to 10,000 characters and 100 levels of nesting.
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
 * how a {@code timestamptz} prints), and text compares in code point order (as under {@code COLLATE "C"} or
 * {@code C.UTF-8}) while {@code lower}, {@code upper} and {@code ILIKE} map case by Unicode's simple
 * mappings (as Postgres does in a UTF-8 database with a libc or builtin collation); a column with
 * another collation may order text differently in a backfill's SQL, and under {@code "C"} Postgres
 * folds ASCII letters only.
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
 * ordering comparisons ({@code <}, {@code >}) between JSON values are refused; a quoted
 * string inside {@code coalesce} takes its type from the comparison when the column arguments are
 * NULL; {@code json} (not
 * {@code jsonb}) columns are treated as {@code jsonb}, so {@code ->>} on a nested object prints it
 * in {@code jsonb} form; {@code real} values are widened to {@code double precision}; values of
 * other types ({@code uuid}, {@code time}, enums...) arrive as text and compare as text; a quoted
 * string that does not fit the column's type fails only on rows where the column is not NULL.
 */
package dev.sluice.core.filter;
