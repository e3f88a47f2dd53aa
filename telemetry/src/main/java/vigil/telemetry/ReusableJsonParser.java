package vigil.telemetry;

import com.fasterxml.jackson.core.ErrorReportConfiguration;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.ContentReference;
import com.fasterxml.jackson.core.io.IOContext;
import com.fasterxml.jackson.core.json.JsonReadContext;
import com.fasterxml.jackson.core.json.UTF8StreamJsonParser;
import com.fasterxml.jackson.core.sym.ByteQuadsCanonicalizer;
import com.fasterxml.jackson.core.util.BufferRecycler;

/**
 * Jackson's UTF-8 byte parser, re-pointed at a new payload for every record instead of being created per record.
 * Creating a parser allocates about 1 KB (context, symbol-table child, read contexts, buffers); re-pointing it
 * allocates nothing.
 *
 * <p>Jackson 2 has no public "reset with new input" for a blocking parser, so this subclass rewrites the
 * parser's input and position fields, which {@code UTF8StreamJsonParser} and its bases expose as {@code protected}
 * for subclasses. The contract that keeps this safe:
 * <ul>
 *   <li>{@link #reset} may only be called on a parser whose previous document ended cleanly: its last token was
 *       the root {@code END_OBJECT}, so no token is half read, no look-ahead is pending and the read context is
 *       back at the root. After any exception, or any document that did not end that way, the caller drops the
 *       parser and creates a new one ({@link TelemetryDecoder} does so).</li>
 *   <li>The parser never reaches end of input through {@code nextToken()} on the success path (the caller checks
 *       trailing whitespace itself with {@link #onlyWhitespaceLeft}), so it is never closed and its buffers stay
 *       with it.</li>
 *   <li>It owns its buffer recycler and its symbol table (a child of a private root): nothing is shared with other
 *       parsers or threads. Field names stay canonicalized (no {@code String} per name) but are not interned.
 *       The symbol table grows with every distinct unknown name, so the caller replaces the parser once
 *       {@link #symbolCount()} passes a bound.</li>
 * </ul>
 * Upgrading Jackson must keep {@code TelemetryDecoderReuseTest} and the decoder tests green; they exercise reuse
 * after every kind of document.
 *
 * <p><b>Threading contract.</b> Confined to its owning {@link TelemetryDecoder}: one logical writer, serial calls.
 */
final class ReusableJsonParser extends UTF8StreamJsonParser {
    private static final byte[] NO_INPUT = new byte[0];

    private final JsonReadContext rootContext;

    private ReusableJsonParser(IOContext context, int parserFeatures, ByteQuadsCanonicalizer symbols) {
        super(context, parserFeatures, null, null, symbols, NO_INPUT, 0, 0, 0, false);
        rootContext = _parsingContext;
    }

    /** A parser with the factory's read constraints and features, owning its buffers and symbol table. */
    static ReusableJsonParser create(JsonFactory factory) {
        IOContext context = new IOContext(
                factory.streamReadConstraints(),
                factory.streamWriteConstraints(),
                ErrorReportConfiguration.defaults(),
                new BufferRecycler(),
                ContentReference.redacted(), // error messages never quote the payload
                false);
        ByteQuadsCanonicalizer symbols = ByteQuadsCanonicalizer.createRoot().makeChild(factory.getFactoryFeatures());
        return new ReusableJsonParser(context, factory.getParserFeatures(), symbols);
    }

    /** Points the parser at {@code length} bytes of {@code input} from {@code offset}, as a fresh parser would be. */
    void reset(byte[] input, int offset, int length) {
        _inputBuffer = input;
        _inputPtr = offset;
        _inputEnd = offset + length;
        // As the constructor sets them for (start = offset, bytesPreProcessed = 0); only locations use them.
        _currInputProcessed = -offset;
        _currInputRow = 0;
        _currInputRowStart = offset;
        _tokenInputTotal = 0;
        _tokenInputRow = 1;
        _tokenInputCol = 0;
        _parsingContext = rootContext;
        _currToken = null;
        _nextToken = null;
        _tokenIncomplete = false;
        _tokenCount = 0;
        _numTypesValid = NR_UNKNOWN;
        _nameCopied = false;
        _binaryValue = null;
    }

    /** Drops the reference to the last payload; the next {@link #reset} points the parser at a new one. */
    void releaseInput() {
        _inputBuffer = NO_INPUT;
        _inputPtr = 0;
        _inputEnd = 0;
    }

    /**
     * True when nothing but JSON whitespace (RFC 8259: space, tab, LF, CR) follows the current position. Called
     * after the root {@code END_OBJECT}, in place of a last {@code nextToken()} that would close the parser.
     */
    boolean onlyWhitespaceLeft() {
        for (int i = _inputPtr; i < _inputEnd; i++) {
            byte b = _inputBuffer[i];
            if (b != ' ' && b != '\t' && b != '\n' && b != '\r') {
                return false;
            }
        }
        return true;
    }

    /**
     * The slot of the field name that the next token will be, looked up in {@code names} by its raw bytes, or -1 when
     * it cannot be told cheaply: the current string value is not read yet, the next token is not a quoted name, or
     * the name is not one of {@code names} (an escaped name never matches: names are compared as raw bytes). Reads
     * the input, moves nothing: the caller then asks the parser for exactly that name
     * ({@code nextFieldName(SerializableString)}),
     * which compares the bytes again and parses as {@code nextToken()} would, so a wrong guess costs time, never a
     * different result. Called where the next token is a name or the end of the object (after {@code START_OBJECT}
     * or a complete value).
     */
    int peekNameSlot(WireNames names) {
        if (_tokenIncomplete) {
            return -1; // a string value not read yet: where it ends is not known without scanning it
        }
        byte[] b = _inputBuffer;
        int end = _inputEnd;
        int i = skipWhitespace(b, _inputPtr, end);
        if (i < end && b[i] == ',') {
            i = skipWhitespace(b, i + 1, end);
        }
        if (i >= end || b[i] != '"') {
            return -1;
        }
        return names.slotOf(b, i + 1, end);
    }

    private static int skipWhitespace(byte[] b, int i, int end) {
        while (i < end && (b[i] == ' ' || b[i] == '\n' || b[i] == '\t' || b[i] == '\r')) {
            i++;
        }
        return i;
    }

    /**
     * The current token is a string value the parser has not read yet (it stands after the opening quote): the
     * length of its content when that is plain ASCII up to the closing quote (bytes 0x20 to 0x7F except {@code "}
     * and backslash, which JSON takes verbatim), else -1, and the caller reads it through the parser (escapes,
     * non-ASCII, control characters: the parser decides). The content starts at {@link #inputPointer()} in
     * {@link #inputBuffer()}; {@link #skipPlainString} then moves past it as the parser's own skip would.
     */
    int plainStringLength() {
        if (!_tokenIncomplete || _currToken != JsonToken.VALUE_STRING) {
            return -1;
        }
        byte[] b = _inputBuffer;
        for (int i = _inputPtr, end = _inputEnd; i < end; i++) {
            byte c = b[i];
            if (c == '"') {
                return i - _inputPtr;
            }
            if (c < 0x20 || c == '\\') { // negative: non-ASCII
                return -1;
            }
        }
        return -1;
    }

    byte[] inputBuffer() {
        return _inputBuffer;
    }

    int inputPointer() {
        return _inputPtr;
    }

    /**
     * Moves past the current string value, whose plain content of {@code length} bytes {@link #plainStringLength}
     * measured, and its closing quote: what {@code _skipString()} does for such a string (no escapes, no newline).
     */
    void skipPlainString(int length) {
        _inputPtr += length + 1;
        _tokenIncomplete = false;
    }

    /** Distinct field names held by the symbol table. */
    int symbolCount() {
        return _symbols.size();
    }
}
