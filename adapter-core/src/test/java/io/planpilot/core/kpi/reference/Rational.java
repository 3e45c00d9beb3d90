package io.planpilot.core.kpi.reference;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.util.Objects;

/**
 * An exact fraction. The oracle computes every figure exactly and rounds once, to
 * {@link MathContext#DECIMAL128}, when it hands the figure out; so its money and ratios are never
 * less precise than a DECIMAL128 computation, and its {@code ceil}s are of the exact quotient as
 * KPI.md asks.
 */
final class Rational implements Comparable<Rational> {
    static final Rational ZERO = new Rational(BigInteger.ZERO, BigInteger.ONE);
    static final Rational ONE = new Rational(BigInteger.ONE, BigInteger.ONE);

    private final BigInteger num;
    private final BigInteger den;

    private Rational(BigInteger num, BigInteger den) {
        this.num = num;
        this.den = den;
    }

    static Rational of(BigInteger num, BigInteger den) {
        if (den.signum() == 0) {
            throw new ArithmeticException("division by zero");
        }
        if (den.signum() < 0) {
            num = num.negate();
            den = den.negate();
        }
        BigInteger gcd = num.gcd(den);
        if (gcd.signum() != 0 && !gcd.equals(BigInteger.ONE)) {
            num = num.divide(gcd);
            den = den.divide(gcd);
        }
        if (num.signum() == 0) {
            den = BigInteger.ONE;
        }
        return new Rational(num, den);
    }

    static Rational of(long value) {
        return new Rational(BigInteger.valueOf(value), BigInteger.ONE);
    }

    static Rational of(long num, long den) {
        return of(BigInteger.valueOf(num), BigInteger.valueOf(den));
    }

    static Rational of(BigDecimal value) {
        Objects.requireNonNull(value, "value");
        if (value.scale() <= 0) {
            return new Rational(value.toBigIntegerExact(), BigInteger.ONE);
        }
        return of(value.unscaledValue(), BigInteger.TEN.pow(value.scale()));
    }

    Rational add(Rational o) {
        return of(num.multiply(o.den).add(o.num.multiply(den)), den.multiply(o.den));
    }

    Rational subtract(Rational o) {
        return of(num.multiply(o.den).subtract(o.num.multiply(den)), den.multiply(o.den));
    }

    Rational multiply(Rational o) {
        return of(num.multiply(o.num), den.multiply(o.den));
    }

    Rational multiply(long o) {
        return multiply(of(o));
    }

    Rational divide(Rational o) {
        return of(num.multiply(o.den), den.multiply(o.num));
    }

    Rational divide(long o) {
        return divide(of(o));
    }

    int signum() {
        return num.signum();
    }

    boolean isZero() {
        return num.signum() == 0;
    }

    Rational max(Rational o) {
        return compareTo(o) >= 0 ? this : o;
    }

    Rational min(Rational o) {
        return compareTo(o) <= 0 ? this : o;
    }

    /** The least integer not below this fraction. */
    long ceil() {
        BigInteger[] qr = num.divideAndRemainder(den);
        BigInteger q = qr[1].signum() > 0 ? qr[0].add(BigInteger.ONE) : qr[0];
        return q.longValueExact();
    }

    BigDecimal toBigDecimal() {
        if (den.equals(BigInteger.ONE)) {
            return new BigDecimal(num);
        }
        return new BigDecimal(num).divide(new BigDecimal(den), MathContext.DECIMAL128);
    }

    static BigDecimal toBigDecimal(Rational r) {
        return r == null ? null : r.toBigDecimal();
    }

    @Override
    public int compareTo(Rational o) {
        return num.multiply(o.den).compareTo(o.num.multiply(den));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Rational r && num.equals(r.num) && den.equals(r.den);
    }

    @Override
    public int hashCode() {
        return num.hashCode() * 31 + den.hashCode();
    }

    @Override
    public String toString() {
        return den.equals(BigInteger.ONE) ? num.toString() : num + "/" + den;
    }
}
