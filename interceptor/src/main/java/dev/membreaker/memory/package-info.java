/**
 * Where the numbers come from: the heap live set after GC, raw heap used, direct buffers, metaspace
 * and the container's cgroup, each behind the small {@link dev.membreaker.memory.MemorySource}
 * interface so tests can fake them.
 */
package dev.membreaker.memory;
