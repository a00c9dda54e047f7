package dev.sluice.core.filter;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Function;

/**
 * Arrays with Postgres semantics. An array is a {@link List} of element values (nested lists for
 * more dimensions; {@code null} for a NULL element). Equality and order compare the elements in
 * order, NULL elements equal to each other and above every value, then the shapes; containment
 * ({@code @>}), overlap ({@code &&}) and {@code ANY}/{@code ALL} look at the elements of every
 * dimension, and a NULL element never matches.
 */
final class ArrayValues
{
    private ArrayValues() {}

    /**
     * Reads the text form of an array ({@code {a,"b c",NULL}}, {@code {{1,2},{3,4}}}): elements as
     * {@link UnknownText}, to be read as the element type when it is known, and {@code null} for NULL.
     */
    static List<Object> parse(String text)
    {
        Parser parser = new Parser(text);
        parser.skipSpace();
        List<Object> result = parser.array();
        parser.skipSpace();
        if (parser.index != text.length()) {
            throw malformed(text, "junk after closing right brace");
        }
        return result;
    }

    private static final class Parser
    {
        private final String text;
        private int index;

        private Parser(String text)
        {
            this.text = text;
        }

        private void skipSpace()
        {
            while (index < text.length() && Character.isWhitespace(text.charAt(index))) {
                index++;
            }
        }

        private List<Object> array()
        {
            if (index >= text.length() || text.charAt(index) != '{') {
                throw malformed(text, "array value must start with \"{\" or dimension information");
            }
            index++;
            List<Object> elements = new ArrayList<>();
            skipSpace();
            if (index < text.length() && text.charAt(index) == '}') {
                index++;
                return elements;
            }
            while (true) {
                skipSpace();
                if (index >= text.length()) {
                    throw malformed(text, "unexpected end of input");
                }
                char character = text.charAt(index);
                if (character == '{') {
                    elements.add(array());
                }
                else if (character == '"') {
                    elements.add(new UnknownText(quoted()));
                }
                else {
                    elements.add(unquoted());
                }
                skipSpace();
                if (index >= text.length()) {
                    throw malformed(text, "unexpected end of input");
                }
                char separator = text.charAt(index++);
                if (separator == '}') {
                    return elements;
                }
                if (separator != ',') {
                    throw malformed(text, "unexpected \"" + separator + "\" character");
                }
            }
        }

        private String quoted()
        {
            StringBuilder value = new StringBuilder();
            index++;
            while (true) {
                if (index >= text.length()) {
                    throw malformed(text, "unexpected end of input");
                }
                char character = text.charAt(index++);
                if (character == '"') {
                    return value.toString();
                }
                if (character == '\\') {
                    if (index >= text.length()) {
                        throw malformed(text, "unexpected end of input");
                    }
                    character = text.charAt(index++);
                }
                value.append(character);
            }
        }

        private Object unquoted()
        {
            StringBuilder value = new StringBuilder();
            int lastSignificant = 0;
            boolean escaped = false;
            while (index < text.length()) {
                char character = text.charAt(index);
                if (character == ',' || character == '}') {
                    break;
                }
                if (character == '{' || character == '"') {
                    throw malformed(text, "unexpected \"" + character + "\" character");
                }
                index++;
                if (character == '\\') {
                    if (index >= text.length()) {
                        throw malformed(text, "unexpected end of input");
                    }
                    value.append(text.charAt(index++));
                    lastSignificant = value.length();
                    escaped = true;
                }
                else {
                    value.append(character);
                    if (!Character.isWhitespace(character)) {
                        lastSignificant = value.length();
                    }
                }
            }
            String element = value.substring(0, lastSignificant);
            if (element.isEmpty()) {
                throw malformed(text, "unexpected \",\" character");
            }
            // an unquoted, unescaped NULL is a NULL element
            return !escaped && element.equalsIgnoreCase("null") ? null : new UnknownText(element);
        }
    }

    private static FilterEvaluationException malformed(String text, String detail)
    {
        return new FilterEvaluationException("malformed array literal: \"" + text + "\" (" + detail + ")");
    }

    /** The elements of every dimension, in order. */
    static List<Object> flatten(List<?> array)
    {
        List<Object> elements = new ArrayList<>();
        for (Object element : array) {
            if (element instanceof List<?> nested) {
                elements.addAll(flatten(nested));
            }
            else {
                elements.add(element);
            }
        }
        return elements;
    }

    /** A non-null element that shows the array's element type, or null when there is none. */
    static Object sample(List<?> array)
    {
        for (Object element : flatten(array)) {
            if (element != null && !(element instanceof UnknownText)) {
                return element;
            }
        }
        return null;
    }

    /** Applies a function to every non-null element, keeping the shape. */
    static List<Object> map(List<?> array, Function<Object, Object> function)
    {
        List<Object> result = new ArrayList<>(array.size());
        for (Object element : array) {
            if (element instanceof List<?> nested) {
                result.add(map(nested, function));
            }
            else {
                result.add(element == null ? null : function.apply(element));
            }
        }
        return Collections.unmodifiableList(result);
    }

    /** Reads the quoted-literal elements of {@code array} as the type of {@code typed}'s element (or of {@code typed} itself when it is not an array). */
    static List<Object> resolve(List<?> array, Object typed)
    {
        Object sample = typed instanceof List<?> list ? sample(list) : typed;
        if (sample == null) {
            return map(array, element -> element);
        }
        return map(array, element -> SqlValues.resolve(element, sample));
    }

    /** Postgres's array order: elements first (NULL above every value), then the number of elements, then the shape. */
    static int compare(List<?> left, List<?> right)
    {
        List<Object> leftElements = flatten(left);
        List<Object> rightElements = flatten(right);
        int common = Math.min(leftElements.size(), rightElements.size());
        for (int index = 0; index < common; index++) {
            Object leftElement = leftElements.get(index);
            Object rightElement = rightElements.get(index);
            if (leftElement == null || rightElement == null) {
                if (leftElement != rightElement) {
                    return leftElement == null ? 1 : -1;
                }
                continue;
            }
            if (SqlValues.compare(leftElement, rightElement, ComparisonOperator.LESS_THAN)) {
                return -1;
            }
            if (!SqlValues.compare(leftElement, rightElement, ComparisonOperator.EQUAL)) {
                return 1;
            }
        }
        if (leftElements.size() != rightElements.size()) {
            return Integer.compare(leftElements.size(), rightElements.size());
        }
        return compareShapes(left, right);
    }

    private static int compareShapes(List<?> left, List<?> right)
    {
        List<Integer> leftShape = shape(left);
        List<Integer> rightShape = shape(right);
        if (leftShape.size() != rightShape.size()) {
            return Integer.compare(leftShape.size(), rightShape.size());
        }
        for (int index = 0; index < leftShape.size(); index++) {
            int comparison = Integer.compare(leftShape.get(index), rightShape.get(index));
            if (comparison != 0) {
                return comparison;
            }
        }
        return 0;
    }

    private static List<Integer> shape(List<?> array)
    {
        List<Integer> shape = new ArrayList<>();
        Object current = array;
        while (current instanceof List<?> list && !list.isEmpty()) {
            shape.add(list.size());
            current = list.get(0);
        }
        return shape;
    }

    /** {@code left @> right}: every element of {@code right} equals some element of {@code left}; a NULL element matches nothing. */
    static boolean contains(List<?> left, List<?> right)
    {
        List<Object> leftElements = flatten(left);
        for (Object element : flatten(right)) {
            if (element == null || !containsElement(leftElements, element)) {
                return false;
            }
        }
        return true;
    }

    /** {@code left && right}: an element (not NULL) is in both. */
    static boolean overlaps(List<?> left, List<?> right)
    {
        List<Object> leftElements = flatten(left);
        for (Object element : flatten(right)) {
            if (element != null && containsElement(leftElements, element)) {
                return true;
            }
        }
        return false;
    }

    private static boolean containsElement(List<Object> elements, Object value)
    {
        for (Object element : elements) {
            if (element != null && SqlValues.compare(element, value, ComparisonOperator.EQUAL)) {
                return true;
            }
        }
        return false;
    }

    /** {@code array_out}: {@code {a,"b c",NULL}}, elements quoted when empty, {@code NULL}, or holding braces, commas, quotes, backslashes or white space. */
    static String format(List<?> array)
    {
        StringBuilder text = new StringBuilder("{");
        for (int index = 0; index < array.size(); index++) {
            if (index > 0) {
                text.append(',');
            }
            Object element = array.get(index);
            if (element instanceof List<?> nested) {
                text.append(format(nested));
            }
            else if (element == null) {
                text.append("NULL");
            }
            else {
                appendElement(SqlValues.castToText(element), text);
            }
        }
        return text.append('}').toString();
    }

    private static void appendElement(String value, StringBuilder text)
    {
        boolean quote = value.isEmpty() || value.equalsIgnoreCase("null");
        for (int index = 0; index < value.length() && !quote; index++) {
            char character = value.charAt(index);
            quote = character == '{' || character == '}' || character == ',' || character == '"' || character == '\\'
                    || character == ' ' || character == '\t' || character == '\n' || character == '\r' || character == '\f' || character == 0x0b;
        }
        if (!quote) {
            text.append(value);
            return;
        }
        text.append('"');
        for (int index = 0; index < value.length(); index++) {
            char character = value.charAt(index);
            if (character == '"' || character == '\\') {
                text.append('\\');
            }
            text.append(character);
        }
        text.append('"');
    }
}
