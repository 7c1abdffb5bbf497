/**
 * The extension point other membreaker modules plug into {@link dev.membreaker.Membreaker} with.
 */
package dev.membreaker.spi;
