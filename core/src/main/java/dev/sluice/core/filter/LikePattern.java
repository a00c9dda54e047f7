package dev.sluice.core.filter;

/**
 * Postgres {@code LIKE} matching over Unicode code points: {@code %} matches any run of characters,
 * {@code _} exactly one, and the escape character (a backslash unless {@code ESCAPE} says otherwise;
 * none when it is empty) makes the next character literal. {@code ILIKE} matches the
 * {@linkplain PostgresText#lower lower-cased} text against the lower-cased pattern, as Postgres does
 * in a UTF-8 database, so {@code 'ÜBER' ILIKE 'ü%'} holds.
 */
final class LikePattern
{
    private static final int ANY_ONE = -1;
    private static final int ANY_RUN = -2;

    private LikePattern() {}

    static boolean matches(String text, String pattern, String escape, boolean caseInsensitive)
    {
        int[] elements = compile(caseInsensitive ? PostgresText.lower(pattern) : pattern, escape);
        int[] characters = (caseInsensitive ? PostgresText.lower(text) : text).codePoints().toArray();
        int textIndex = 0;
        int patternIndex = 0;
        int runPattern = -1;
        int runText = 0;
        while (textIndex < characters.length) {
            if (patternIndex < elements.length && (elements[patternIndex] == ANY_ONE || elements[patternIndex] == characters[textIndex])) {
                textIndex++;
                patternIndex++;
            }
            else if (patternIndex < elements.length && elements[patternIndex] == ANY_RUN) {
                runPattern = patternIndex;
                runText = textIndex;
                patternIndex++;
            }
            else if (runPattern >= 0) {
                // let the last % swallow one more character and retry from there
                patternIndex = runPattern + 1;
                runText++;
                textIndex = runText;
            }
            else {
                return false;
            }
        }
        while (patternIndex < elements.length && elements[patternIndex] == ANY_RUN) {
            patternIndex++;
        }
        return patternIndex == elements.length;
    }

    private static int[] compile(String pattern, String escape)
    {
        int escapeCharacter = escape.isEmpty() ? -1 : escape.codePointAt(0);
        int[] characters = pattern.codePoints().toArray();
        int[] elements = new int[characters.length];
        int count = 0;
        for (int index = 0; index < characters.length; index++) {
            int character = characters[index];
            if (character == escapeCharacter) {
                index++;
                if (index == characters.length) {
                    throw new FilterEvaluationException("LIKE pattern must not end with escape character");
                }
                elements[count++] = characters[index];
            }
            else if (character == '%') {
                if (count == 0 || elements[count - 1] != ANY_RUN) {
                    elements[count++] = ANY_RUN;
                }
            }
            else if (character == '_') {
                elements[count++] = ANY_ONE;
            }
            else {
                elements[count++] = character;
            }
        }
        int[] compiled = new int[count];
        System.arraycopy(elements, 0, compiled, 0, count);
        return compiled;
    }
}
