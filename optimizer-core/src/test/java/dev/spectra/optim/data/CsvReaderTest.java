package dev.spectra.optim.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.spectra.optim.config.InvalidConfigException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class CsvReaderTest {

    private static Dataset read(String text, CsvOptions options) {
        return new CsvReader(options).read(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), "upload.csv");
    }

    @Test
    void readsLabelsAndFeaturesWithADetectedHeader(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("iris.csv");
        Files.writeString(f, "\uFEFFspecies,sepal,\"petal\"\r\n0,5.1,1.4\r\n\r\n2, 6.3 ,\"5.0\"\r\n1,-5.5e-1,4\r\n");
        Dataset d = new CsvReader().read(f);
        assertThat(d.name()).isEqualTo(f.toString());
        assertThat(d.size()).isEqualTo(3);
        assertThat(d.numClasses()).isEqualTo(3);
        assertThat(d.labelIndices()).containsExactly(0, 2, 1);
        assertThat(d.features().toFloatMatrix()).isDeepEqualTo(new float[][] {{5.1f, 1.4f}, {6.3f, 5.0f}, {-0.55f, 4f}});
    }

    @Test
    void labelColumnByIndexFromTheEndOrByNameAndGivenClassCount() {
        Dataset last = read("1,2,1\n3,4,0\n", CsvOptions.defaults().withLabelColumn(-1).withNumClasses(5));
        assertThat(last.numClasses()).isEqualTo(5);
        assertThat(last.labelIndices()).containsExactly(1, 0);
        assertThat(last.features().toFloatMatrix()).isDeepEqualTo(new float[][] {{1, 2}, {3, 4}});
        Dataset named = read("a;y;b\n1;1;2\n3;0;4\n", new CsvOptions(0, "y", CsvOptions.Header.AUTO, ";", 0, 10, 10, 100, 10, 100));
        assertThat(named.labelIndices()).containsExactly(1, 0);
        assertThat(named.features().toFloatMatrix()).isDeepEqualTo(new float[][] {{1, 2}, {3, 4}});
        Dataset numericHeaderless = read("1,0.5\n0,0.25\n", CsvOptions.defaults().withHeader(CsvOptions.Header.ABSENT));
        assertThat(numericHeaderless.size()).isEqualTo(2);
    }

    static Stream<Arguments> badFiles() {
        CsvOptions d = CsvOptions.defaults();
        return Stream.of(
                Arguments.of("ragged row", "y,a,b\n0,1,2\n1,3\n", d, "line 3: expected 3 fields (as in line 1) but found 2"),
                Arguments.of("extra field", "0,1,2\n1,3,4,5\n", d, "line 2: expected 3 fields (as in line 1) but found 4"),
                Arguments.of("non-numeric feature", "y,a,b\n0,1,2\n1,x,4\n", d, "line 3: column 1 ('a'): 'x' is not a number"),
                Arguments.of("NaN feature", "y,a\n0,NaN\n1,2\n", d, "line 2: column 1 ('a'): 'NaN' is not a finite number"),
                Arguments.of("infinite feature", "y,a\n0,1e39\n1,2\n", d, "line 2: column 1 ('a'): '1e39' is not a finite number"),
                Arguments.of("empty feature", "y,a,b\n0,,2\n1,2,3\n", d, "line 2: column 1 ('a') is empty"),
                Arguments.of("non-integer label", "y,a\n0.5,1\n", d, "line 2: label '0.5' in column 0 ('y') is not an integer class index"),
                Arguments.of("text label", "y,a\ncat,1\n", d.withHeader(CsvOptions.Header.PRESENT),
                        "line 2: label 'cat' in column 0 ('y') is not an integer class index"),
                Arguments.of("negative label", "y,a\n-1,1\n", d, "line 2: label '-1' is out of range"),
                Arguments.of("label beyond numClasses", "y,a\n0,1\n3,1\n", d.withNumClasses(3),
                        "line 3: label '3' is out of range: class indices must be in [0, 3) (numClasses = 3)"),
                Arguments.of("label beyond maxClasses", "0,1\n5000,1\n", d, "line 2: label '5000' is out of range: class indices must be in [0, 1000) (maxClasses)"),
                Arguments.of("empty file", "", d, "is empty (no header and no data rows)"),
                Arguments.of("blank lines only", "\n  \n\n", d, "is empty (no header and no data rows)"),
                Arguments.of("header only", "y,a,b\n", d, "has a header but no data rows"),
                Arguments.of("one class", "0,1\n0,2\n", d, "has only one class (label 0) in column 0; classification needs at least 2"),
                Arguments.of("one column", "1\n2\n", d, "line 1: has 1 column; need a label column and at least one feature column"),
                Arguments.of("label column missing", "0,1\n1,2\n", d.withLabelColumn(5), "line 1: label column 5 does not exist; the file has 2 columns"),
                Arguments.of("label name without header", "0,1\n1,2\n", d.withLabelColumnName("y"),
                        "label column 'y' was requested by name but the file has no header"),
                Arguments.of("label name not in header", "a,b\n0,1\n", d.withLabelColumnName("y"), "has no column named 'y' (header: a, b)"),
                Arguments.of("too many rows", "0,1\n1,2\n0,3\n1,4\n", d.withLimits(3, 10, 100, 100), "line 4: has more than 3 data rows (the limit)"),
                Arguments.of("too many columns", "0,1,2,3,4\n", d.withLimits(10, 4, 100, 100), "line 1: has more than 4 columns (the limit)"),
                Arguments.of("too many values", "0,1,2\n1,3,4\n0,5,6\n", d.withLimits(10, 10, 5, 100), "line 3: has more than 5 feature values (the limit)"),
                Arguments.of("line too long", "0,1\n1," + "9".repeat(200) + "\n", d.withLimits(10, 10, 100, 100),
                        "line 2: is longer than 100 characters (the limit)"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badFiles")
    void badInputNamesTheSourceLineAndProblem(String what, String text, CsvOptions options, String expected) {
        assertThatThrownBy(() -> read(text, options))
                .isInstanceOf(DatasetException.class)
                .hasMessageStartingWith("upload.csv: ")
                .hasMessageContaining(expected);
    }

    @Test
    void notUtf8AndMissingFilesAreClearErrors(@TempDir Path dir) throws IOException {
        Path latin1 = dir.resolve("latin1.csv");
        Files.write(latin1, new byte[] {'y', ',', (byte) 0xE9, '\n', '0', ',', '1', '\n'});
        assertThatThrownBy(() -> new CsvReader().read(latin1)).isInstanceOf(DatasetException.class)
                .hasMessage(latin1 + ": is not UTF-8 text");
        assertThatThrownBy(() -> new CsvReader().read(dir.resolve("absent.csv"))).isInstanceOf(DatasetException.class)
                .hasMessage(dir.resolve("absent.csv") + ": CSV file not found");
    }

    @Test
    void optionsValidateThemselves() {
        assertThatThrownBy(() -> new CsvOptions(0, "", CsvOptions.Header.AUTO, ",,", -1, 0, 1, 0, 1, 0))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("delimiter must be a single character")
                .hasMessageContaining("numClasses must be >= 0")
                .hasMessageContaining("maxRows must be > 0")
                .hasMessageContaining("maxColumns must be >= 2")
                .hasMessageContaining("maxValues must be > 0")
                .hasMessageContaining("maxClasses must be >= 2")
                .hasMessageContaining("maxLineChars must be > 0");
    }
}
