package io.prunegate.config;

import java.util.Objects;
import java.util.function.Function;

/**
 * A kind of option value: its name in help and docs, how text becomes a value, and how a flag of
 * this kind is written on a command line ({@link Shape}). The instances services use live in {@link
 * ValueGrammar}, so that every service reads {@code 30s} or {@code 4m} the same way.
 *
 * @param name short name shown as the flag's parameter label ({@code duration}, {@code size})
 * @param parser text to value; throws {@link IllegalArgumentException} with a message that says
 *     which forms are accepted
 * @param shape how the flag takes its value
 */
public record ValueType<T>(String name, Function<String, T> parser, Shape shape) {

  /** How a flag of a type takes its value on the command line. */
  public enum Shape {
    /** {@code --flag VALUE} or {@code --flag=VALUE}. */
    SCALAR,
    /** {@code --flag} alone means true; {@code --flag=false} is accepted too. */
    SWITCH,
    /** Like {@link #SWITCH}, and {@code --no-flag} means false. */
    NEGATABLE_SWITCH,
    /** Repeatable: {@code --flag a --flag b}, joined with commas before parsing. */
    LIST
  }

  public ValueType {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(parser, "parser");
    Objects.requireNonNull(shape, "shape");
  }

  /** Parses {@code text}. */
  public T parse(String text) {
    return parser.apply(text);
  }
}
