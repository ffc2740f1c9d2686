package dev.llmworkbench.ui.common;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmworkbench.ui.common.MarkdownBlocks.Block;
import dev.llmworkbench.ui.common.MarkdownBlocks.Kind;
import dev.llmworkbench.ui.common.MarkdownBlocks.Span;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class MarkdownBlocksTest {
    private static String text(Block b) {
        return b.spans().stream().map(Span::text).collect(Collectors.joining());
    }

    @Test
    void blocksKeepTheirKindAndInlineStyles() {
        List<Block> bs = MarkdownBlocks.parse("# Title\n\nSome **bold**, *it* and `code`; math $a^2$ stays.\n\n"
                + "- one\n- two\n  1. nested\n\n> quoted\n\n---\n");
        assertThat(bs).extracting(Block::kind).containsExactly(Kind.HEADING, Kind.PARAGRAPH, Kind.ITEM, Kind.ITEM,
                Kind.ITEM, Kind.QUOTE, Kind.RULE);
        assertThat(bs.get(0).level()).isEqualTo(1);
        assertThat(text(bs.get(1))).isEqualTo("Some bold, it and code; math $a^2$ stays.");
        assertThat(bs.get(1).spans()).contains(new Span("bold", MarkdownBlocks.BOLD),
                new Span("it", MarkdownBlocks.ITALIC), new Span("code", MarkdownBlocks.CODE));
        assertThat(bs.get(2).marker()).isEqualTo("•");
        assertThat(bs.get(4).marker()).isEqualTo("1.");
        assertThat(bs.get(4).level()).isEqualTo(2);
    }

    @Test
    void aTableIsRowsOfCellsWithTheHeaderFirst() {
        Block t = MarkdownBlocks.parse("| a | b |\n|---|--:|\n| 1 | **2** |\n").get(0);
        assertThat(t.kind()).isEqualTo(Kind.TABLE);
        assertThat(t.rows()).hasSize(2);
        assertThat(t.rows().get(0)).containsExactly(List.of(new Span("a", MarkdownBlocks.BOLD)),
                List.of(new Span("b", MarkdownBlocks.BOLD)));
        assertThat(t.rows().get(1).get(1)).containsExactly(new Span("2", MarkdownBlocks.BOLD));
        assertThat(t.plainText()).isEqualTo("a\tb\n1\t2\n");
    }

    @Test
    void aLongCodeBlockIsShownInPiecesThatCopyAsAWhole() {
        String code = java.util.stream.IntStream.range(0, 150).mapToObj(i -> "line " + i)
                .collect(Collectors.joining("\n"));
        List<Block> bs = MarkdownBlocks.parse("```java\n" + code + "\n```\n");
        assertThat(bs).hasSize(3).allSatisfy(b -> {
            assertThat(b.kind()).isEqualTo(Kind.CODE);
            assertThat(b.language()).isEqualTo("java");
            assertThat(b.wholeCode()).isEqualTo(code);
        });
        assertThat(bs).extracting(Block::continued).containsExactly(false, true, true);
        assertThat(bs.stream().map(Block::code).collect(Collectors.joining("\n"))).isEqualTo(code);
    }

    @Test
    void aHugeParagraphIsCutIntoPiecesThatTogetherAreItsText() {
        String sentence = "Streaming text to the screen costs little when only the tail is laid out. ";
        String para = sentence.repeat(2_000).strip();
        List<Block> bs = MarkdownBlocks.parse(para);
        assertThat(bs.size()).isGreaterThan(70);
        assertThat(bs).allSatisfy(b -> assertThat(text(b).length()).isLessThanOrEqualTo(MarkdownBlocks.MAX_BLOCK));
        assertThat(bs.stream().map(MarkdownBlocksTest::text).collect(Collectors.joining())).isEqualTo(para);
        assertThat(bs.get(0).continued()).isFalse();
        assertThat(bs.subList(1, bs.size())).allMatch(Block::continued);
        assertThat(text(bs.get(0))).endsWith(". ");
    }

    @Test
    void theHighlighterKeepsTheCodeExactlyAndMarksItsParts() {
        String code = "def f(x):  # square\n    return x * 2 + \"s\"";
        List<CodeHighlighter.Piece> ps = CodeHighlighter.highlight(code, "python");
        assertThat(ps.stream().map(CodeHighlighter.Piece::text).collect(Collectors.joining())).isEqualTo(code);
        assertThat(ps).contains(new CodeHighlighter.Piece("def", "code-keyword"),
                new CodeHighlighter.Piece("# square", "code-comment"), new CodeHighlighter.Piece("2", "code-number"),
                new CodeHighlighter.Piece("\"s\"", "code-string"));
        assertThat(CodeHighlighter.highlight("i--; // done", "c")).contains(new CodeHighlighter.Piece("// done",
                "code-comment"));
    }
}
