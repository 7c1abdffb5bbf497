/** Who gets shed: call priorities and the decision given for each call. */
package dev.membreaker.policy;
