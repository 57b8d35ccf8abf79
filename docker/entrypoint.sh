#!/bin/sh
# Container entrypoint for the Spectra service image.
# Native math libraries read their thread counts once, when they are loaded, so they must be
# exported before the JVM starts: setting them from Java is too late.
set -eu

# One knob for operators: SPECTRA_WORKER_OMP_THREADS. An explicit OMP_NUM_THREADS wins.
threads="${OMP_NUM_THREADS:-${SPECTRA_WORKER_OMP_THREADS:-1}}"
case "$threads" in
  ''|*[!0-9]*|0) echo "spectra-entrypoint: OMP_NUM_THREADS/SPECTRA_WORKER_OMP_THREADS must be a positive integer, got '$threads'" >&2; exit 64 ;;
esac
export OMP_NUM_THREADS="$threads"
export SPECTRA_WORKER_OMP_THREADS="$threads"
export OPENBLAS_NUM_THREADS="${OPENBLAS_NUM_THREADS:-$threads}"
export MKL_NUM_THREADS="${MKL_NUM_THREADS:-$threads}"

# JavaCPP unpacks ND4J's native libraries into a cache under $HOME by default, which is not
# writable for the service user (and the root file system may be read-only): use /tmp.
javacpp_cache="${JAVACPP_CACHEDIR:-/tmp/javacpp-cache}"

# shellcheck disable=SC2086 # JAVA_OPTS is a list of flags on purpose
exec java ${JAVA_OPTS:-} "-Dorg.bytedeco.javacpp.cachedir=$javacpp_cache" \
  org.springframework.boot.loader.launch.JarLauncher "$@"
