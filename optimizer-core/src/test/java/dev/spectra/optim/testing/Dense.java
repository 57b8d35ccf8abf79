package dev.spectra.optim.testing;

import java.util.Random;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Plain-Java fp64 dense matrices for test references: products, a cyclic Jacobi
 * eigendecomposition and matrix functions built on it. Deliberately independent of ND4J and LAPACK
 * so a reference cannot share a bug with the code under test.
 */
public final class Dense {

    private Dense() {
    }

    public static double[][] zeros(int n, int m) {
        return new double[n][m];
    }

    public static double[][] identity(int n) {
        double[][] r = new double[n][n];
        for (int i = 0; i < n; i++) {
            r[i][i] = 1;
        }
        return r;
    }

    public static double[][] mul(double[][] a, double[][] b) {
        int n = a.length;
        int k = b.length;
        int m = b[0].length;
        double[][] r = new double[n][m];
        for (int i = 0; i < n; i++) {
            for (int p = 0; p < k; p++) {
                double v = a[i][p];
                for (int j = 0; j < m; j++) {
                    r[i][j] += v * b[p][j];
                }
            }
        }
        return r;
    }

    public static double[][] t(double[][] a) {
        double[][] r = new double[a[0].length][a.length];
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < a[0].length; j++) {
                r[j][i] = a[i][j];
            }
        }
        return r;
    }

    public static double[][] add(double[][] a, double alpha, double[][] b, double beta) {
        double[][] r = new double[a.length][a[0].length];
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < a[0].length; j++) {
                r[i][j] = alpha * a[i][j] + beta * b[i][j];
            }
        }
        return r;
    }

    public static double[][] scale(double[][] a, double s) {
        return add(a, s, a, 0);
    }

    public static double frobenius(double[][] a) {
        double s = 0;
        for (double[] row : a) {
            for (double v : row) {
                s += v * v;
            }
        }
        return Math.sqrt(s);
    }

    public static double[][] copy(double[][] a) {
        double[][] r = new double[a.length][];
        for (int i = 0; i < a.length; i++) {
            r[i] = a[i].clone();
        }
        return r;
    }

    /** Eigen-decomposition of a symmetric matrix: {@code values[i]} with eigenvector column i of {@code vectors}. */
    public record Eigen(double[] values, double[][] vectors) {
    }

    /** Cyclic Jacobi rotations until the off-diagonal mass is below 1e-15 of the total. */
    public static Eigen symmetricEigen(double[][] s) {
        int n = s.length;
        double[][] a = copy(s);
        double[][] v = identity(n);
        for (int sweep = 0; sweep < 100; sweep++) {
            double off = 0;
            double total = 0;
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    total += a[i][j] * a[i][j];
                    if (i != j) {
                        off += a[i][j] * a[i][j];
                    }
                }
            }
            if (off <= 1e-30 * Math.max(total, 1e-300)) {
                break;
            }
            for (int p = 0; p < n - 1; p++) {
                for (int q = p + 1; q < n; q++) {
                    if (Math.abs(a[p][q]) < 1e-300) {
                        continue;
                    }
                    double theta = (a[q][q] - a[p][p]) / (2 * a[p][q]);
                    double tt = Math.signum(theta) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
                    if (theta == 0) {
                        tt = 1;
                    }
                    double c = 1 / Math.sqrt(tt * tt + 1);
                    double sn = tt * c;
                    for (int k = 0; k < n; k++) {
                        double akp = a[k][p];
                        double akq = a[k][q];
                        a[k][p] = c * akp - sn * akq;
                        a[k][q] = sn * akp + c * akq;
                    }
                    for (int k = 0; k < n; k++) {
                        double apk = a[p][k];
                        double aqk = a[q][k];
                        a[p][k] = c * apk - sn * aqk;
                        a[q][k] = sn * apk + c * aqk;
                    }
                    for (int k = 0; k < n; k++) {
                        double vkp = v[k][p];
                        double vkq = v[k][q];
                        v[k][p] = c * vkp - sn * vkq;
                        v[k][q] = sn * vkp + c * vkq;
                    }
                }
            }
        }
        double[] values = new double[n];
        for (int i = 0; i < n; i++) {
            values[i] = a[i][i];
        }
        return new Eigen(values, v);
    }

    /** {@code V f(values) V^T} for a symmetric matrix. */
    public static double[][] apply(double[][] s, java.util.function.DoubleUnaryOperator f) {
        Eigen e = symmetricEigen(s);
        int n = s.length;
        double[][] r = new double[n][n];
        for (int k = 0; k < n; k++) {
            double fk = f.applyAsDouble(e.values()[k]);
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    r[i][j] += e.vectors()[i][k] * fk * e.vectors()[j][k];
                }
            }
        }
        return r;
    }

    /** A random orthogonal matrix (Gram-Schmidt on Gaussian columns). */
    public static double[][] randomOrthogonal(int n, Random rnd) {
        return gramSchmidt(gaussian(n, n, rnd));
    }

    /** The Q of a QR decomposition by modified Gram-Schmidt (columns of full rank assumed). */
    public static double[][] gramSchmidt(double[][] a) {
        int n = a.length;
        int m = a[0].length;
        double[][] q = new double[n][m];
        for (int j = 0; j < m; j++) {
            double[] col = new double[n];
            for (int i = 0; i < n; i++) {
                col[i] = a[i][j];
            }
            for (int k = 0; k < j; k++) {
                double dot = 0;
                for (int i = 0; i < n; i++) {
                    dot += col[i] * q[i][k];
                }
                for (int i = 0; i < n; i++) {
                    col[i] -= dot * q[i][k];
                }
            }
            double norm = 0;
            for (double c : col) {
                norm += c * c;
            }
            norm = Math.sqrt(norm);
            for (int i = 0; i < n; i++) {
                q[i][j] = col[i] / norm;
            }
        }
        return q;
    }

    public static double[][] gaussian(int n, int m, Random rnd) {
        double[][] r = new double[n][m];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < m; j++) {
                r[i][j] = rnd.nextGaussian();
            }
        }
        return r;
    }

    public static INDArray toNd4j(double[][] a, DataType type) {
        return Nd4j.create(a).castTo(type);
    }

    /** Reads a rank-2 array (any order, any dtype) into fp64 rows. */
    public static double[][] fromNd4j(INDArray a) {
        INDArray d = a.castTo(DataType.DOUBLE);
        double[][] r = new double[(int) d.rows()][(int) d.columns()];
        for (int i = 0; i < r.length; i++) {
            for (int j = 0; j < r[0].length; j++) {
                r[i][j] = d.getDouble(i, j);
            }
        }
        return r;
    }

    public static double maxAbsDiff(double[][] a, double[][] b) {
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < a[0].length; j++) {
                m = Math.max(m, Math.abs(a[i][j] - b[i][j]));
            }
        }
        return m;
    }
}
