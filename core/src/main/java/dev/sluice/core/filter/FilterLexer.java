package dev.sluice.core.filter;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * Splits filter text into tokens the way the Postgres lexer would, and refuses what a single,
 * self-contained expression never needs: statement separators, comments, dollar quoting,
 * positional parameters, string prefixes ({@code E'...'}), qualified names and operators filters
 * do not support. Following Postgres's own lexical rules makes sure the expression
 * {@link FilterParser} reads is the one Postgres would have read.
 */
final class FilterLexer
{
    static final int MAXIMUM_LENGTH = 10_000;
    static final int MAXIMUM_NESTING = 50;

    private static final String OPERATOR_CHARACTERS = "+-*/<>=~!@#%^&|`?";
    // Postgres lets a multi-character operator end in + or - only when it contains one of these
    private static final String NON_SQL_OPERATOR_CHARACTERS = "~!@#^&|`?%";
    private static final Set<String> SUPPORTED_OPERATORS = Set.of("=", "<>", "!=", "<", "<=", ">", ">=", "+", "-", "*", "/", "%", "->", "->>",
            "||", "@>", "<@", "&&", "?", "?|", "?&");

    enum TokenType
    {
        IDENTIFIER,
        QUOTED_IDENTIFIER,
        STRING,
        NUMBER,
        OPERATOR,
        LEFT_PARENTHESIS,
        RIGHT_PARENTHESIS,
        COMMA,
        DOUBLE_COLON,
        LEFT_BRACKET,
        RIGHT_BRACKET,
    }

    /** A token: its type, its exact source text, and where it starts in the source (0-based). */
    record Token(TokenType type, String text, int position)
    {
        Token
        {
            requireNonNull(type, "type is null");
            requireNonNull(text, "text is null");
        }
    }

    private final String source;
    private final List<Token> tokens = new ArrayList<>();
    private int index;
    private int nesting;

    private FilterLexer(String source)
    {
        this.source = source;
    }

    static List<Token> tokenize(String source)
    {
        requireNonNull(source, "source is null");
        if (source.length() > MAXIMUM_LENGTH) {
            throw new FilterException("filter is too long: " + source.length() + " characters, at most " + MAXIMUM_LENGTH + " are allowed");
        }
        FilterLexer lexer = new FilterLexer(source);
        lexer.run();
        return List.copyOf(lexer.tokens);
    }

    private void run()
    {
        while (index < source.length()) {
            char character = source.charAt(index);
            if (isWhitespace(character)) {
                index++;
            }
            else if (source.startsWith("--", index) || source.startsWith("/*", index)) {
                throw new FilterException("comments are not allowed in filters (at position " + (index + 1) + ")");
            }
            else if (character == '\'') {
                readString();
            }
            else if (character == '"') {
                readQuotedIdentifier();
            }
            else if (isIdentifierStart(character)) {
                readIdentifier();
            }
            else if (isDigit(character) || (character == '.' && index + 1 < source.length() && isDigit(source.charAt(index + 1)))) {
                readNumber();
            }
            else if (OPERATOR_CHARACTERS.indexOf(character) >= 0) {
                readOperator();
            }
            else {
                readPunctuation(character);
            }
        }
    }

    private void readPunctuation(char character)
    {
        int start = index;
        switch (character) {
            case '(' -> {
                nesting++;
                if (nesting > MAXIMUM_NESTING) {
                    throw new FilterException("filter nests parentheses too deeply: at most " + MAXIMUM_NESTING + " levels are allowed");
                }
                add(TokenType.LEFT_PARENTHESIS, start, start + 1);
            }
            case ')' -> {
                nesting--;
                add(TokenType.RIGHT_PARENTHESIS, start, start + 1);
            }
            case ',' -> add(TokenType.COMMA, start, start + 1);
            case ':' -> {
                if (!source.startsWith("::", start)) {
                    throw new FilterException("named parameters are not supported in filters: found ':' at position " + (start + 1));
                }
                add(TokenType.DOUBLE_COLON, start, start + 2);
            }
            case ';' -> throw new FilterException("only one expression is allowed; found ';' at position " + (start + 1));
            case '$' -> throw new FilterException("'$' is not allowed in filters (dollar-quoted strings and positional parameters are not supported): at position " + (start + 1));
            case '[' -> add(TokenType.LEFT_BRACKET, start, start + 1);
            case ']' -> add(TokenType.RIGHT_BRACKET, start, start + 1);
            case '.' -> throw new FilterException("qualified names are not supported in filters; write the column name alone: found '.' at position " + (start + 1));
            case '\u0000' -> throw new FilterException("filter contains a NUL character at position " + (start + 1));
            default -> throw new FilterException("unexpected character '" + new String(Character.toChars(source.codePointAt(start))) + "' at position " + (start + 1));
        }
        index = start + (character == ':' ? 2 : 1);
    }

    private void readString()
    {
        int start = index;
        index++;
        while (true) {
            if (index >= source.length()) {
                throw new FilterException("unterminated quoted string starting at position " + (start + 1));
            }
            char character = source.charAt(index);
            if (character == '\'') {
                if (index + 1 < source.length() && source.charAt(index + 1) == '\'') {
                    index += 2;
                    continue;
                }
                index++;
                break;
            }
            if (character == '\u0000') {
                throw new FilterException("filter contains a NUL character at position " + (index + 1));
            }
            index++;
        }
        if (!tokens.isEmpty() && tokens.get(tokens.size() - 1).type() == TokenType.STRING) {
            throw new FilterException("adjacent string literals are not supported in filters: at position " + (start + 1));
        }
        add(TokenType.STRING, start, index);
    }

    private void readQuotedIdentifier()
    {
        int start = index;
        index++;
        while (true) {
            if (index >= source.length()) {
                throw new FilterException("unterminated quoted identifier starting at position " + (start + 1));
            }
            char character = source.charAt(index);
            if (character == '"') {
                if (index + 1 < source.length() && source.charAt(index + 1) == '"') {
                    index += 2;
                    continue;
                }
                index++;
                break;
            }
            if (character == '\u0000') {
                throw new FilterException("filter contains a NUL character at position " + (index + 1));
            }
            index++;
        }
        if (index - start == 2) {
            throw new FilterException("zero-length quoted identifier at position " + (start + 1));
        }
        add(TokenType.QUOTED_IDENTIFIER, start, index);
    }

    private void readIdentifier()
    {
        int start = index;
        while (index < source.length() && isIdentifierPart(source.charAt(index))) {
            index++;
        }
        if (index < source.length()) {
            char next = source.charAt(index);
            if (next == '$') {
                throw new FilterException("'$' in identifiers is not supported in filters; write the name in double quotes: at position " + (start + 1));
            }
            if (next == '\'' || (next == '&' && source.startsWith("'", index + 1))) {
                throw new FilterException("string prefixes such as E'...' are not supported in filters: found "
                        + source.substring(start, index) + "'...' at position " + (start + 1));
            }
        }
        add(TokenType.IDENTIFIER, start, index);
    }

    private void readNumber()
    {
        int start = index;
        skipDigits();
        if (index < source.length() && source.charAt(index) == '.' && !source.startsWith("..", index)) {
            index++;
            skipDigits();
        }
        if (index < source.length() && (source.charAt(index) == 'e' || source.charAt(index) == 'E')) {
            int exponent = index + 1;
            if (exponent < source.length() && (source.charAt(exponent) == '+' || source.charAt(exponent) == '-')) {
                exponent++;
            }
            if (exponent < source.length() && isDigit(source.charAt(exponent))) {
                index = exponent;
                skipDigits();
            }
        }
        if (index < source.length() && (isIdentifierPart(source.charAt(index)) || source.charAt(index) == '.')) {
            throw new FilterException("trailing junk after numeric literal at position " + (start + 1) + ": " + source.substring(start, index + 1));
        }
        add(TokenType.NUMBER, start, index);
    }

    private void readOperator()
    {
        int start = index;
        int end = start;
        while (end < source.length() && OPERATOR_CHARACTERS.indexOf(source.charAt(end)) >= 0) {
            if (source.startsWith("--", end) || source.startsWith("/*", end)) {
                throw new FilterException("comments are not allowed in filters (at position " + (end + 1) + ")");
            }
            end++;
        }
        String operator = source.substring(start, end);
        if (operator.length() > 1 && (operator.endsWith("+") || operator.endsWith("-"))) {
            boolean hasNonSqlCharacter = false;
            for (int position = 0; position < operator.length() - 1; position++) {
                if (NON_SQL_OPERATOR_CHARACTERS.indexOf(operator.charAt(position)) >= 0) {
                    hasNonSqlCharacter = true;
                    break;
                }
            }
            if (!hasNonSqlCharacter) {
                // as in Postgres: "a=-1" is "a = -1", not the operator "=-"
                while (operator.length() > 1 && (operator.endsWith("+") || operator.endsWith("-"))) {
                    operator = operator.substring(0, operator.length() - 1);
                }
            }
        }
        if (!SUPPORTED_OPERATORS.contains(operator)) {
            if (operator.startsWith("~") || operator.startsWith("!~")) {
                throw new FilterException("regular expressions are not supported in filters: found " + operator + " at position " + (start + 1)
                        + "; use LIKE or ILIKE");
            }
            throw new FilterException("operator not supported in filters: " + operator + " (at position " + (start + 1) + ")");
        }
        index = start + operator.length();
        add(TokenType.OPERATOR, start, index);
    }

    private void skipDigits()
    {
        while (index < source.length() && isDigit(source.charAt(index))) {
            index++;
        }
    }

    private void add(TokenType type, int start, int end)
    {
        tokens.add(new Token(type, source.substring(start, end), start));
    }

    private static boolean isWhitespace(char character)
    {
        return character == ' ' || character == '\t' || character == '\n' || character == '\r' || character == '\f';
    }

    private static boolean isDigit(char character)
    {
        return character >= '0' && character <= '9';
    }

    private static boolean isIdentifierStart(char character)
    {
        return (character >= 'a' && character <= 'z') || (character >= 'A' && character <= 'Z') || character == '_'
                || (character >= 0x80 && Character.isLetter(character));
    }

    private static boolean isIdentifierPart(char character)
    {
        return isIdentifierStart(character) || isDigit(character) || (character >= 0x80 && Character.isLetterOrDigit(character));
    }
}
