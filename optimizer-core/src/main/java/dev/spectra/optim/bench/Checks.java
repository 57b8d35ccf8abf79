package dev.spectra.optim.bench;

/** Option validation for the subcommands: a bad value is an error message naming the option. */
final class Checks {

    private Checks() {
    }

    static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
