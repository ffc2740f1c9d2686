package dev.llmworkbench.ui.common;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A small, language-tolerant highlighter for code blocks in answers: comments, strings, numbers and the keywords
 * of the usual languages (C family, Java, JavaScript/TypeScript, Python, Go, Rust, shell, SQL). Pure: it returns
 * the code as pieces with a style class each (empty: plain), concatenated exactly the code. Any thread.
 */
public final class CodeHighlighter {
    /** A piece of code and its style class ("" for plain text). */
    public record Piece(String text, String styleClass) { }

    private static final Set<String> HASH_COMMENTS = Set.of("python", "py", "sh", "bash", "shell", "zsh", "ruby",
            "rb", "r", "yaml", "yml", "toml", "perl", "dockerfile", "makefile", "conf", "ini");
    private static final String KEYWORDS = String.join("|", "abstract", "as", "async", "await", "break", "case",
            "catch", "class", "const", "continue", "def", "default", "del", "do", "elif", "else", "enum", "except",
            "export", "extends", "false", "False", "final", "finally", "fn", "for", "from", "func", "function", "go",
            "if", "impl", "implements", "import", "in", "interface", "is", "lambda", "let", "match", "mut", "new",
            "nil", "None", "not", "null", "or", "and", "package", "pass", "private", "protected", "pub", "public",
            "raise", "record", "return", "self", "static", "struct", "super", "switch", "this", "throw", "throws",
            "true", "True", "try", "type", "typeof", "use", "val", "var", "void", "while", "with", "yield", "fi",
            "then", "done", "esac", "echo", "select", "where", "insert", "update", "delete", "create", "table",
            "SELECT", "FROM", "WHERE", "INSERT", "UPDATE", "DELETE", "CREATE", "TABLE", "JOIN", "GROUP", "ORDER", "BY",
            "int", "long", "double", "float", "boolean", "bool", "char", "string", "String");
    private static final String STRINGS = "\"\"\"[\\s\\S]*?\"\"\"|\"(?:[^\"\\\\\\n]|\\\\.)*\"|'(?:[^'\\\\\\n]|\\\\.)*'"
            + "|`[^`]*`";
    private static final String NUMBERS = "\\b\\d+(?:\\.\\d+)?(?:[eE][+-]?\\d+)?[lLfFdD]?\\b|\\b0[xX][0-9a-fA-F]+\\b";
    private static final Pattern SLASH = Pattern.compile("(?<comment>//[^\\n]*|/\\*[\\s\\S]*?\\*/)"
            + "|(?<string>" + STRINGS + ")|(?<number>" + NUMBERS + ")|(?<keyword>\\b(?:" + KEYWORDS + ")\\b)");
    private static final Pattern HASH = Pattern.compile("(?<comment>#[^\\n]*)"
            + "|(?<string>" + STRINGS + ")|(?<number>" + NUMBERS + ")|(?<keyword>\\b(?:" + KEYWORDS + ")\\b)");

    private CodeHighlighter() { }

    /** The code in pieces; {@code language} as written after the fence (may be empty). */
    public static List<Piece> highlight(String code, String language) {
        String lang = language == null ? "" : language.toLowerCase(Locale.ROOT);
        Pattern p = HASH_COMMENTS.contains(lang) ? HASH : SLASH;
        List<Piece> out = new ArrayList<>();
        Matcher m = p.matcher(code);
        int at = 0;
        while (m.find()) {
            if (m.start() > at) {
                out.add(new Piece(code.substring(at, m.start()), ""));
            }
            String cls = m.group("comment") != null ? "code-comment" : m.group("string") != null ? "code-string"
                    : m.group("number") != null ? "code-number" : "code-keyword";
            out.add(new Piece(m.group(), cls));
            at = m.end();
        }
        if (at < code.length()) {
            out.add(new Piece(code.substring(at), ""));
        }
        return out;
    }
}
