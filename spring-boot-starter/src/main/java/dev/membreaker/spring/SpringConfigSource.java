package dev.membreaker.spring;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.membreaker.config.ConfigFile;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.core.env.PropertySource;

/**
 * The {@code membreaker.*} properties of a Spring environment as membreaker's own config file:
 * {@code membreaker.breaker.warning: 0.7} in {@code application.yaml} is {@code breaker.warning:
 * 0.7} in {@code membreaker.yaml}, with the same keys, checks and error messages, because it is
 * read by the same parser ({@link ConfigFile#parse}). Of the keys under {@code membreaker}, only
 * {@code enabled} and {@code config-file} are the starter's own.
 */
final class SpringConfigSource {

  static final String PREFIX = "membreaker.";
  static final Set<String> STARTER_KEYS = Set.of("enabled", "config-file");
  private static final Set<String> SECTIONS = Set.of("breaker", "interceptor", "admin", "cohorts");

  /** Maps whose keys may hold dots ({@code payments.v1.Payments/Pay}): what follows is one key. */
  private static final List<String> MAPS_OF_NAMES =
      List.of("interceptor.priorities.", "cohorts.profiles.");

  private SpringConfigSource() {}

  /**
   * The config the environment's {@code membreaker.*} properties give; the defaults when there are
   * none.
   */
  static ConfigFile read(ConfigurableEnvironment environment) {
    Map<String, Object> flat = new LinkedHashMap<>();
    for (PropertySource<?> source : environment.getPropertySources()) { // highest precedence first
      if (source instanceof EnumerablePropertySource<?> enumerable) {
        for (String name : enumerable.getPropertyNames()) {
          if (name.startsWith(PREFIX)) {
            flat.putIfAbsent(
                name.substring(PREFIX.length()),
                environment.getProperty(name, Object.class, enumerable.getProperty(name)));
          }
        }
      }
    }
    Map<String, Object> tree = new LinkedHashMap<>();
    Set<String> unknown = new TreeSet<>();
    for (Map.Entry<String, Object> e : flat.entrySet()) {
      String key = e.getKey();
      String section = key.split("[.\\[]", 2)[0];
      if (STARTER_KEYS.contains(key)) {
        continue;
      }
      if (!SECTIONS.contains(section)) {
        unknown.add(PREFIX + key);
        continue;
      }
      put(tree, path(key), scalar(e.getValue()));
    }
    if (!unknown.isEmpty()) {
      throw new IllegalArgumentException(
          "application properties: unknown key "
              + String.join(", ", unknown)
              + " (known under membreaker: breaker, interceptor, admin, cohorts, enabled,"
              + " config-file)");
    }
    if (tree.isEmpty()) {
      return ConfigFile.defaults();
    }
    String yaml;
    try {
      yaml = YAML.writeValueAsString(lists(tree));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalArgumentException(
          "application properties: membreaker.* can't be read: " + e.getOriginalMessage());
    }
    return ConfigFile.parse("application properties (membreaker.*)", yaml);
  }

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  /**
   * A value as it would be read from a YAML file: {@code "0.85"} from a {@code .properties} file or
   * the command line is the number 0.85, {@code "true"} a boolean, {@code "5s"} text.
   */
  private static Object scalar(Object value) {
    if (!(value instanceof String text) || text.isBlank()) {
      return value;
    }
    try {
      Object read = YAML.readValue(text, Object.class);
      return read instanceof java.util.Map || read instanceof List ? text : read;
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      return text;
    }
  }

  /**
   * {@code breaker.dimensions[1]} → [breaker, dimensions, [1]]; map keys under the named maps stay
   * whole.
   */
  private static List<String> path(String key) {
    for (String map : MAPS_OF_NAMES) {
      if (key.startsWith(map) || key.startsWith(map.substring(0, map.length() - 1) + "[")) {
        List<String> parts =
            new ArrayList<>(List.of(map.substring(0, map.length() - 1).split("\\.")));
        String rest = key.substring(map.length() - 1);
        rest = rest.startsWith(".") ? rest.substring(1) : rest;
        if (map.startsWith("interceptor")) { // the method name is the whole rest
          parts.add(unbracket(rest));
          return parts;
        }
        // cohorts.profiles.NAME.field...
        String name;
        String tail;
        if (rest.startsWith("[")) {
          int end = rest.indexOf(']');
          name = rest.substring(1, end);
          tail = rest.substring(end + 1);
        } else {
          int dot = rest.indexOf('.');
          name = dot < 0 ? rest : rest.substring(0, dot);
          tail = dot < 0 ? "" : rest.substring(dot);
        }
        parts.add(name);
        parts.addAll(split(tail.startsWith(".") ? tail.substring(1) : tail));
        return parts;
      }
    }
    return split(key);
  }

  private static List<String> split(String key) {
    List<String> parts = new ArrayList<>();
    for (String dotted : key.isEmpty() ? new String[0] : key.split("\\.")) {
      int bracket = dotted.indexOf('[');
      if (bracket < 0) {
        parts.add(dotted);
      } else {
        if (bracket > 0) {
          parts.add(dotted.substring(0, bracket));
        }
        for (String index : dotted.substring(bracket).split("(?<=])")) {
          parts.add(index); // "[0]"
        }
      }
    }
    return parts;
  }

  private static String unbracket(String s) {
    return s.startsWith("[") && s.endsWith("]") ? s.substring(1, s.length() - 1) : s;
  }

  @SuppressWarnings("unchecked")
  private static void put(Map<String, Object> tree, List<String> path, Object value) {
    Map<String, Object> node = tree;
    for (int i = 0; i < path.size() - 1; i++) {
      node =
          (Map<String, Object>)
              node.computeIfAbsent(path.get(i), k -> new LinkedHashMap<String, Object>());
    }
    node.put(path.get(path.size() - 1), value);
  }

  /** Maps whose keys are all {@code [n]} become lists, in index order. */
  @SuppressWarnings("unchecked")
  private static Object lists(Object node) {
    if (!(node instanceof Map)) {
      return node;
    }
    Map<String, Object> map = (Map<String, Object>) node;
    boolean indexed = !map.isEmpty() && map.keySet().stream().allMatch(k -> k.matches("\\[\\d+]"));
    if (indexed) {
      List<Object> list = new ArrayList<>();
      map.entrySet().stream()
          .sorted((a, b) -> Integer.compare(index(a.getKey()), index(b.getKey())))
          .forEach(e -> list.add(lists(e.getValue())));
      return list;
    }
    Map<String, Object> out = new LinkedHashMap<>();
    map.forEach((k, v) -> out.put(k, lists(v)));
    return out;
  }

  private static int index(String key) {
    return Integer.parseInt(key.substring(1, key.length() - 1));
  }
}
