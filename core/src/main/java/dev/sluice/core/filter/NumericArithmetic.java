package dev.sluice.core.filter;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * {@code + - * /} with Postgres's result types and errors: integers stay integers (division
 * truncates toward zero; overflow is an error), {@code numeric} is exact (division keeps at least
 * 16 significant digits, as Postgres's {@code select_div_scale}), and anything with a
 * {@code float8} is {@code float8} (overflow and underflow are errors).
 */
final class NumericArithmetic
{
    private static final int NUMERIC_MINIMUM_SIGNIFICANT_DIGITS = 16;
    private static final int NUMERIC_MAXIMUM_DISPLAY_SCALE = 1000;
    private static final int DECIMAL_DIGITS_PER_NUMERIC_DIGIT = 4;

    private NumericArithmetic() {}

    static Object apply(ArithmeticOperator operator, Object left, Object right)
    {
        if (operator == ArithmeticOperator.MODULO && (left instanceof Double || right instanceof Double)) {
            throw new FilterEvaluationException("operator does not exist: " + SqlValues.typeName(left) + " % " + SqlValues.typeName(right));
        }
        if (left instanceof Double || right instanceof Double) {
            return applyDouble(operator, SqlValues.toDouble(left), SqlValues.toDouble(right));
        }
        if (left instanceof BigDecimal || right instanceof BigDecimal) {
            return applyDecimal(operator, SqlValues.toDecimal(left), SqlValues.toDecimal(right));
        }
        return applyLong(operator, (Long) left, (Long) right);
    }

    static Object negate(Object value)
    {
        if (value instanceof Long integer) {
            if (integer == Long.MIN_VALUE) {
                throw new FilterEvaluationException("bigint out of range");
            }
            return -integer;
        }
        if (value instanceof BigDecimal decimal) {
            return decimal.negate();
        }
        return -(Double) value;
    }

    private static Object applyLong(ArithmeticOperator operator, long left, long right)
    {
        try {
            return switch (operator) {
                case ADD -> Math.addExact(left, right);
                case SUBTRACT -> Math.subtractExact(left, right);
                case MULTIPLY -> Math.multiplyExact(left, right);
                case DIVIDE -> {
                    if (right == 0) {
                        throw new FilterEvaluationException("division by zero");
                    }
                    if (left == Long.MIN_VALUE && right == -1) {
                        throw new FilterEvaluationException("bigint out of range");
                    }
                    yield left / right;
                }
                case MODULO -> {
                    if (right == 0) {
                        throw new FilterEvaluationException("division by zero");
                    }
                    // the remainder takes the dividend's sign, in Java as in Postgres
                    yield left % right;
                }
            };
        }
        catch (ArithmeticException e) {
            throw new FilterEvaluationException("bigint out of range");
        }
    }

    private static Object applyDecimal(ArithmeticOperator operator, BigDecimal left, BigDecimal right)
    {
        return switch (operator) {
            case ADD -> left.add(right);
            case SUBTRACT -> left.subtract(right);
            case MULTIPLY -> left.multiply(right);
            case DIVIDE -> {
                if (right.signum() == 0) {
                    throw new FilterEvaluationException("division by zero");
                }
                // Postgres rounds the last digit half away from zero
                yield left.divide(right, divisionScale(left, right), RoundingMode.HALF_UP);
            }
            case MODULO -> {
                if (right.signum() == 0) {
                    throw new FilterEvaluationException("division by zero");
                }
                // Postgres's mod_var: truncated division, the result shown with the larger of the two scales
                yield left.remainder(right).setScale(Math.max(Math.max(left.scale(), right.scale()), 0));
            }
        };
    }

    /** Postgres's {@code select_div_scale}: enough digits for 16 significant ones, and no fewer than either input shows. */
    static int divisionScale(BigDecimal dividend, BigDecimal divisor)
    {
        int[] dividendDigit = leadingNumericDigit(dividend);
        int[] divisorDigit = leadingNumericDigit(divisor);
        int quotientWeight = dividendDigit[0] - divisorDigit[0];
        if (dividendDigit[1] <= divisorDigit[1]) {
            quotientWeight--;
        }
        int scale = NUMERIC_MINIMUM_SIGNIFICANT_DIGITS - quotientWeight * DECIMAL_DIGITS_PER_NUMERIC_DIGIT;
        scale = Math.max(scale, Math.max(dividend.scale(), 0));
        scale = Math.max(scale, Math.max(divisor.scale(), 0));
        return Math.min(scale, NUMERIC_MAXIMUM_DISPLAY_SCALE);
    }

    // the weight (power of 10000) and value of the first non-zero base-10000 digit, as numeric stores it
    private static int[] leadingNumericDigit(BigDecimal value)
    {
        if (value.signum() == 0) {
            return new int[] {0, 0};
        }
        BigDecimal magnitude = value.abs();
        int exponent = magnitude.precision() - magnitude.scale() - 1;
        int weight = Math.floorDiv(exponent, DECIMAL_DIGITS_PER_NUMERIC_DIGIT);
        int digit = magnitude.movePointLeft(weight * DECIMAL_DIGITS_PER_NUMERIC_DIGIT).setScale(0, RoundingMode.DOWN).intValueExact();
        return new int[] {weight, digit};
    }

    private static Object applyDouble(ArithmeticOperator operator, double left, double right)
    {
        boolean infiniteInput = Double.isInfinite(left) || Double.isInfinite(right);
        return switch (operator) {
            case ADD -> checked(left + right, infiniteInput, true);
            case SUBTRACT -> checked(left - right, infiniteInput, true);
            case MULTIPLY -> checked(left * right, infiniteInput, left == 0.0 || right == 0.0);
            case DIVIDE -> {
                if (right == 0.0 && !Double.isNaN(left)) {
                    throw new FilterEvaluationException("division by zero");
                }
                yield checked(left / right, infiniteInput, left == 0.0 || Double.isInfinite(right));
            }
            case MODULO -> throw new IllegalStateException("float8 has no %");
        };
    }

    private static double checked(double result, boolean infinityAllowed, boolean zeroAllowed)
    {
        if (Double.isInfinite(result) && !infinityAllowed) {
            throw new FilterEvaluationException("value out of range: overflow");
        }
        if (result == 0.0 && !zeroAllowed) {
            throw new FilterEvaluationException("value out of range: underflow");
        }
        return result;
    }
}
