import io.trino.sql.parser.ParsingOptions;
import io.trino.sql.parser.SqlParser;
import java.nio.file.Files;
import java.nio.file.Path;

/** Parses each file named on the command line with Trino's parser; exits non-zero with the parser's message on the first failure. */
public class ParseTrino {
  public static void main(String[] args) throws Exception {
    SqlParser parser = new SqlParser();
    for (String file : args) {
      parser.createStatement(Files.readString(Path.of(file)), new ParsingOptions(ParsingOptions.DecimalLiteralTreatment.AS_DECIMAL));
      System.out.println("parsed " + file);
    }
  }
}
