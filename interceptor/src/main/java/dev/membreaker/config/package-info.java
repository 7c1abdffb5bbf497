/**
 * The YAML configuration file, its embedded defaults, and hot reload that survives ConfigMap
 * updates.
 */
package dev.membreaker.config;
