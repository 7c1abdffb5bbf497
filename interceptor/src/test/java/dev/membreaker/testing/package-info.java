/**
 * Fakes for testing code that uses membreaker: a fake ticker, fake memory sources, fake cgroup
 * trees.
 */
package dev.membreaker.testing;
