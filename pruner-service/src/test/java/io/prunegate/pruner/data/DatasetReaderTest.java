package io.prunegate.pruner.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetReaderTest {

  @TempDir Path dir;

  private Path write(String name, String content) throws Exception {
    Path p = dir.resolve(name);
    Files.writeString(p, content);
    return p;
  }

  @Test
  void readsTsvWithInferredColumnsAndIntegerIds() throws Exception {
    Path f = write("sst.tsv", "sentence\tlabel\ngood film \t1\nbad film \t0\nfine\t1\n");
    LabelledDataset d = DatasetReader.read(f, DatasetColumns.infer());
    assertEquals(List.of("0", "1"), d.labelNames());
    assertEquals(List.of("good film ", "bad film ", "fine"), d.texts());
    assertEquals(List.of(1, 0, 1), d.labels());
    assertEquals("sst.tsv", d.name());
  }

  @Test
  void readsCsvWithQuotesAndNamedColumns() throws Exception {
    Path f =
        write(
            "tickets.csv",
            "id,body,topic\n1,\"Refund, please\",billing\n2,\"He said \"\"hi\"\"\nthen left\",other\n"
                + "3,plain,billing\n");
    LabelledDataset d = DatasetReader.read(f, new DatasetColumns("body", "topic"));
    assertEquals(List.of("billing", "other"), d.labelNames());
    assertEquals("Refund, please", d.texts().get(0));
    assertEquals("He said \"hi\"\nthen left", d.texts().get(1));
    assertEquals(List.of(0, 1, 0), d.labels());
  }

  @Test
  void csvErrorsNameTheLineTheRecordStartsOn() throws Exception {
    // a quoted newline makes the second row span lines 4-5; blank lines between records are skipped
    String rows = "\uFEFFtext,label\n\n\"one\",a\n\"two\nlines\",b\n\n";
    LabelledDataset d =
        DatasetReader.read(write("ok.csv", rows + "plain \"quote\",a\n"), DatasetColumns.infer());
    assertEquals(List.of("one", "two\nlines", "plain \"quote\""), d.texts());
    var ragged =
        assertThrows(
            IllegalArgumentException.class,
            () -> DatasetReader.read(write("r.csv", rows + "x,a,extra\n"), DatasetColumns.infer()));
    assertTrue(ragged.getMessage().contains("r.csv line 7"), ragged.getMessage());
    var open =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                DatasetReader.read(
                    write("o.csv", rows + "\"never closed,a\nz,b\n"), DatasetColumns.infer()));
    assertTrue(
        open.getMessage().contains("o.csv line 7") && open.getMessage().contains("unterminated"),
        open.getMessage());
  }

  @Test
  void readsJsonlWithLabelNamesInAlphabeticalOrder() throws Exception {
    Path f =
        write(
            "emo.jsonl",
            "{\"text\": \"i am glad\", \"label\": \"joy\"}\n\n"
                + "{\"text\": \"so sad\", \"label\": \"sadness\"}\n"
                + "{\"text\": \"grr\", \"label\": \"anger\"}\n");
    LabelledDataset d = DatasetReader.read(f, DatasetColumns.infer());
    assertEquals(List.of("anger", "joy", "sadness"), d.labelNames());
    assertEquals(List.of(1, 2, 0), d.labels());
  }

  @Test
  void infersTheOtherColumnOfTwo() throws Exception {
    Path f = write("spam.tsv", "Label\tSMS\nham\thello there\nspam\tWIN now\n");
    LabelledDataset d = DatasetReader.read(f, DatasetColumns.infer());
    assertEquals(List.of("hello there", "WIN now"), d.texts());
    assertEquals(List.of("ham", "spam"), d.labelNames());
    Path g = write("odd.tsv", "words\tlabel\nhello\ta\n");
    assertEquals(List.of("hello"), DatasetReader.read(g, DatasetColumns.infer()).texts());
  }

  @Test
  void clearErrors() throws Exception {
    var empty =
        assertThrows(
            IllegalArgumentException.class,
            () -> DatasetReader.read(write("empty.tsv", "\n \n"), DatasetColumns.infer()));
    assertTrue(empty.getMessage().contains("empty.tsv") && empty.getMessage().contains("empty"));
    var headerOnly =
        assertThrows(
            IllegalArgumentException.class,
            () -> DatasetReader.read(write("h.tsv", "text\tlabel\n"), DatasetColumns.infer()));
    assertTrue(headerOnly.getMessage().contains("no rows"), headerOnly.getMessage());
    var missing =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                DatasetReader.read(
                    write("m.tsv", "text\tlabel\na\tb\n"), new DatasetColumns("text", "topic")));
    assertTrue(
        missing.getMessage().contains("m.tsv") && missing.getMessage().contains("'topic'"),
        missing.getMessage());
    var unknown =
        assertThrows(
            IllegalArgumentException.class,
            () -> DatasetReader.read(write("u.tsv", "a\tb\tc\nx\ty\tz\n"), DatasetColumns.infer()));
    assertTrue(unknown.getMessage().contains("cannot tell"), unknown.getMessage());
    var ragged =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                DatasetReader.read(
                    write("r.tsv", "text\tlabel\nok\t1\nbroken\n"), DatasetColumns.infer()));
    assertTrue(ragged.getMessage().contains("line 3"), ragged.getMessage());
    var badJson =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                DatasetReader.read(
                    write("b.jsonl", "{\"text\":\"a\",\"label\":1}\n{oops\n"),
                    DatasetColumns.infer()));
    assertTrue(badJson.getMessage().contains("b.jsonl line 2"), badJson.getMessage());
  }

  @Test
  void labelOnlyInValidationIsAnError() throws Exception {
    Path train = write("train.tsv", "text\tlabel\na\tx\nb\ty\n");
    Path val = write("validation.tsv", "text\tlabel\nc\tx\nd\tz\n");
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                DatasetReader.splits(
                    train, Optional.of(val), Optional.empty(), DatasetColumns.infer(), 0.2, 1));
    assertTrue(
        e.getMessage().contains("validation.tsv line 3")
            && e.getMessage().contains("'z'")
            && e.getMessage().contains("train.tsv"),
        e.getMessage());
  }

  @Test
  void validationFileSharesTrainingLabelOrder() throws Exception {
    Path train = write("train.tsv", "text\tlabel\na\tb\nb\tc\nc\ta\n");
    Path val = write("validation.tsv", "text\tlabel\nd\tc\n");
    DatasetSplits s =
        DatasetReader.splits(
            train, Optional.of(val), Optional.of(val), DatasetColumns.infer(), 0.2, 1);
    assertEquals(List.of("a", "b", "c"), s.validation().labelNames());
    assertEquals(List.of(2), s.validation().labels());
    assertTrue(s.test().isPresent());
  }

  @Test
  void stratifiedSplitWhenNoValidationFile() throws Exception {
    StringBuilder sb = new StringBuilder("text\tlabel\n");
    for (int i = 0; i < 100; i++) {
      sb.append("text ").append(i).append('\t').append(i < 80 ? "neg" : "pos").append('\n');
    }
    Path train = write("train.tsv", sb.toString());
    DatasetSplits s =
        DatasetReader.splits(
            train, Optional.empty(), Optional.empty(), DatasetColumns.infer(), 0.2, 7);
    assertEquals(80, s.train().size());
    assertEquals(20, s.validation().size());
    assertArrayEquals(new int[] {16, 4}, s.validation().classCounts());
    Set<String> all = new HashSet<>(s.train().texts());
    all.addAll(s.validation().texts());
    assertEquals(100, all.size());
    DatasetSplits again =
        DatasetReader.splits(
            train, Optional.empty(), Optional.empty(), DatasetColumns.infer(), 0.2, 7);
    assertEquals(s.validation().texts(), again.validation().texts());
    LabelledDataset sample = s.train().sample(40, 3);
    assertArrayEquals(new int[] {32, 8}, sample.classCounts());
  }

  @Test
  void sentenceLikeKeepsLongDistinctRowsBeforeHoldingOutValidation() throws Exception {
    StringBuilder b = new StringBuilder("sentence\tlabel\n");
    for (int i = 0; i < 20; i++) {
      b.append("a short one ").append(i).append('\t').append(i % 2).append('\n');
      b.append("this is a long enough sentence number ").append(i).append('\t');
      b.append(i % 2).append('\n');
    }
    b.append("this is a long enough sentence number 0\t0\n");
    Path f = write("phrases.tsv", b.toString());
    LabelledDataset all = DatasetReader.read(f, DatasetColumns.infer());
    LabelledDataset kept = all.sentenceLike(8);
    assertEquals(20, kept.size());
    assertTrue(kept.texts().stream().allMatch(t -> t.startsWith("this is a long")));
    assertEquals(Set.copyOf(kept.texts()).size(), kept.size());
    assertEquals(40, all.sentenceLike(1).size());
    assertThrows(IllegalArgumentException.class, () -> all.sentenceLike(50));

    DatasetSplits s =
        DatasetReader.splits(
            f, Optional.empty(), Optional.empty(), DatasetColumns.infer(), 0.25, 7, 8);
    assertEquals(15, s.train().size());
    assertEquals(5, s.validation().size());
    Set<String> seen = new HashSet<>(s.train().texts());
    for (String t : s.validation().texts()) {
      assertTrue(t.startsWith("this is a long"), t);
      assertTrue(seen.add(t), "validation text also in train: " + t);
    }
  }

  @Test
  void heldOutValidationKeepsFragmentsOfItsSentencesOutOfTraining() throws Exception {
    // SST-2-like rows: 30 sentences, each followed by two of its own phrases and a duplicate.
    StringBuilder b = new StringBuilder("sentence\tlabel\n");
    for (int i = 0; i < 30; i++) {
      String label = i % 3 == 0 ? "pos" : "neg";
      String sentence = "movie " + i + " was a truly remarkable piece of work number " + i;
      b.append(sentence).append('\t').append(label).append('\n');
      b.append("A Truly Remarkable Piece").append('\t').append(label).append('\n');
      b.append("piece of work number ").append(i).append('\t').append(label).append('\n');
      b.append(sentence).append('\t').append(label).append('\n');
    }
    Path f = write("phrases.tsv", b.toString());
    LabelledDataset all = DatasetReader.read(f, DatasetColumns.infer());
    LabelledDataset[] parts = all.splitBySource(6, 3);
    LabelledDataset train = parts[0];
    LabelledDataset validation = parts[1];
    assertEquals(6, validation.size());
    assertArrayEquals(new int[] {4, 2}, validation.classCounts());
    for (String v : validation.texts()) {
      assertTrue(v.startsWith("movie "), "validation holds whole sentences: " + v);
      String number = v.substring(v.lastIndexOf(' ') + 1);
      for (String t : train.texts()) {
        assertTrue(!v.toLowerCase().contains(t.toLowerCase()), t + " is part of " + v);
        assertTrue(!t.endsWith(" number " + number), "fragment of a validation sentence: " + t);
      }
    }
    // 24 sentences and their numbered phrases and duplicates stay; the shared phrase is a span
    // of every sentence, validation ones included, so it is dropped everywhere.
    assertEquals(24 * 3, train.size());
    assertEquals(train.texts(), all.splitBySource(6, 3)[0].texts(), "deterministic for a seed");

    // Without overlapping texts it is the plain stratified split.
    StringBuilder plain = new StringBuilder("text\tlabel\n");
    for (int i = 0; i < 50; i++) {
      plain.append("distinct text ").append(i).append('\t').append(i % 5 == 0 ? 1 : 0);
      plain.append('\n');
    }
    LabelledDataset distinct =
        DatasetReader.read(write("plain.tsv", plain.toString()), DatasetColumns.infer());
    LabelledDataset[] plainParts = distinct.splitBySource(10, 1);
    assertEquals(40, plainParts[0].size());
    assertArrayEquals(new int[] {8, 2}, plainParts[1].classCounts());
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> all.splitBySource(30, 1));
    assertTrue(e.getMessage().contains("only 30 of 120 texts"), e.getMessage());
  }
}
