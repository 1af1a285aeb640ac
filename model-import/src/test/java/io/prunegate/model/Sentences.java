package io.prunegate.model;

import java.util.List;

/** Real sentences of mixed length for parity tests and benchmarks. */
public final class Sentences {

  private Sentences() {}

  public static final List<String> MIXED =
      List.of(
          "The film is a charming, funny and moving story.",
          "I hated it.",
          "Kafka brokers replicate partitions across the cluster so that a single failure loses nothing.",
          "What time does the last train leave for the airport tonight?",
          "A gripping thriller whose final twist I did not see coming, with performances that linger long after the credits roll.",
          "ok",
          "The quarterly report shows revenue up 12% while operating costs stayed flat.",
          "Please reset my password; the link in your email has expired twice already.",
          "Transformers replaced recurrent networks in most language tasks within a few years.",
          "Worst customer service ever, I waited on hold for two hours and nobody answered.",
          "The soup was cold.",
          "Researchers found that pruning a quarter of the sublayers kept most of the accuracy on classification benchmarks, "
              + "which suggests substantial redundancy in deep transformer stacks.",
          "Is it going to rain tomorrow in Berlin?",
          "Thank you so much, this made my day!",
          "The committee postponed the vote until more evidence about the bridge's safety could be gathered.",
          "Terrible.",
          "An unremarkable but pleasant way to spend ninety minutes on a rainy afternoon.",
          "Our gateway micro-batches requests, routes them between champion and challenger variants, and exports metrics.");
}
