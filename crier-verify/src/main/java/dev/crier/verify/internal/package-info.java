/**
 * Not API: code shared by Crier's own zero-dependency modules (crier-verify, crier-client). It may
 * change or go without notice; do not use it from your code.
 */
package dev.crier.verify.internal;
