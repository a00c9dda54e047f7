package dev.sluice.data.extract.pgoutput;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Parses the text form of a Postgres array ({@code array_out}, and anything {@code array_in}
 * accepts with the comma delimiter) into nested lists of element texts: {@code {1,2,NULL}},
 * {@code {"a b","c\"d"}}, {@code {{1,2},{3,4}}}, {@code [0:1]={5,6}}. An unquoted {@code NULL}
 * is a Java null; a quoted {@code "NULL"} is the string.
 */
final class PgArrayParser
{
    private final String text;
    private int position;

    private PgArrayParser(String text)
    {
        this.text = text;
    }

    /** Returns a list whose elements are element texts, nulls, or nested lists of the same. */
    static List<Object> parse(String text)
    {
        PgArrayParser parser = new PgArrayParser(text);
        parser.skipDimensions();
        parser.skipWhitespace();
        List<Object> result = parser.parseArray();
        parser.skipWhitespace();
        if (parser.position != text.length()) {
            throw parser.error("unexpected text after the array");
        }
        return result;
    }

    private void skipDimensions()
    {
        skipWhitespace();
        if (position < text.length() && text.charAt(position) == '[') {
            int equals = text.indexOf('=', position);
            if (equals < 0) {
                throw error("dimension decoration without '='");
            }
            position = equals + 1;
        }
    }

    private List<Object> parseArray()
    {
        expect('{');
        List<Object> elements = new ArrayList<>();
        skipWhitespace();
        if (peek() == '}') {
            position++;
            return Collections.unmodifiableList(elements);
        }
        while (true) {
            skipWhitespace();
            if (peek() == '{') {
                elements.add(parseArray());
            }
            else {
                elements.add(parseElement());
            }
            skipWhitespace();
            char next = next();
            if (next == '}') {
                return Collections.unmodifiableList(elements);
            }
            if (next != ',') {
                throw error("expected ',' or '}'");
            }
        }
    }

    private String parseElement()
    {
        if (peek() == '"') {
            position++;
            StringBuilder element = new StringBuilder();
            while (true) {
                char next = next();
                if (next == '"') {
                    return element.toString();
                }
                element.append(next == '\\' ? next() : next);
            }
        }
        StringBuilder element = new StringBuilder();
        int lengthWithoutTrailingWhitespace = 0;
        boolean escaped = false;
        while (peek() != ',' && peek() != '}') {
            char next = next();
            if (next == '\\') {
                element.append(next());
                escaped = true;
                lengthWithoutTrailingWhitespace = element.length();
            }
            else if (next == '{' || next == '"') {
                throw error("unexpected '" + next + "' in an unquoted element");
            }
            else {
                element.append(next);
                if (!Character.isWhitespace(next)) {
                    lengthWithoutTrailingWhitespace = element.length();
                }
            }
        }
        element.setLength(lengthWithoutTrailingWhitespace);
        if (element.length() == 0) {
            throw error("empty unquoted element");
        }
        if (!escaped && element.toString().equalsIgnoreCase("NULL")) {
            return null;
        }
        return element.toString();
    }

    private void skipWhitespace()
    {
        while (position < text.length() && Character.isWhitespace(text.charAt(position))) {
            position++;
        }
    }

    private void expect(char expected)
    {
        if (next() != expected) {
            throw error("expected '" + expected + "'");
        }
    }

    private char peek()
    {
        if (position >= text.length()) {
            throw error("unexpected end");
        }
        return text.charAt(position);
    }

    private char next()
    {
        char next = peek();
        position++;
        return next;
    }

    private PgOutputException error(String problem)
    {
        return new PgOutputException("malformed array literal at offset " + position + ": " + problem);
    }
}
