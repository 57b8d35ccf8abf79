package dev.spectra.optim.bench;

/**
 * The gradient-free test functions, each with global minimum 0 at {@link #optimum}, and the box
 * the search mean starts in.
 */
enum TestFunction {
    /** Many regular local minima on a funnel; the optimum is at 0. */
    ACKLEY(-5, 5, 0) {
        @Override
        double value(double[] x) {
            double sq = 0;
            double cos = 0;
            for (double v : x) {
                sq += v * v;
                cos += Math.cos(2 * Math.PI * v);
            }
            int d = x.length;
            return -20 * Math.exp(-0.2 * Math.sqrt(sq / d)) - Math.exp(cos / d) + 20 + Math.E;
        }
    },
    /** A curved, flat-bottomed valley; the optimum (1, ..., 1) sits at its end. */
    ROSENBROCK(-2, 2, 1) {
        @Override
        double value(double[] x) {
            double s = 0;
            for (int i = 0; i + 1 < x.length; i++) {
                double a = x[i + 1] - x[i] * x[i];
                double b = 1 - x[i];
                s += 100 * a * a + b * b;
            }
            return s;
        }
    },
    /** A bowl with a product-of-cosines ripple: many shallow local minima near 0. */
    GRIEWANK(-10, 10, 0) {
        @Override
        double value(double[] x) {
            double sum = 0;
            double prod = 1;
            for (int i = 0; i < x.length; i++) {
                sum += x[i] * x[i] / 4000;
                prod *= Math.cos(x[i] / Math.sqrt(i + 1));
            }
            return 1 + sum - prod;
        }
    };

    private final double low;
    private final double high;
    private final double optimumCoordinate;

    TestFunction(double low, double high, double optimumCoordinate) {
        this.low = low;
        this.high = high;
        this.optimumCoordinate = optimumCoordinate;
    }

    abstract double value(double[] x);

    double initLow() {
        return low;
    }

    double initHigh() {
        return high;
    }

    /** Euclidean distance from x to the global minimizer. */
    double distanceToOptimum(double[] x) {
        double s = 0;
        for (double v : x) {
            s += (v - optimumCoordinate) * (v - optimumCoordinate);
        }
        return Math.sqrt(s);
    }

    String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
