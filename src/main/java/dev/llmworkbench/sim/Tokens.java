package dev.llmworkbench.sim;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A sequence of the simulator's tokens: one word (with its leading space and trailing punctuation)
 * or one CJK character (with trailing punctuation) each, one stream chunk per token. Each token is
 * available as text and as a ready-made JSON string literal, so that streaming needs no per-chunk
 * JSON work.
 */
abstract class Tokens {
    static final Gson GSON = new GsonBuilder().disableHtmlEscaping().serializeNulls().create();

    abstract int size();

    abstract String text(int i);

    /** The token as a quoted, escaped JSON string literal in UTF-8. */
    abstract byte[] json(int i);

    /** The first {@code n} tokens as one string. */
    String join(int n) {
        StringBuilder sb = new StringBuilder(n * 6);
        for (int i = 0; i < n; i++) {
            sb.append(text(i));
        }
        return sb.toString();
    }

    /** The first {@code whole} tokens, then {@code partial} as one more token when it is not empty. */
    Tokens truncated(int whole, String partial) {
        Tokens base = this;
        boolean extra = !partial.isEmpty();
        byte[] partialJson = jsonLiteral(partial);
        return new Tokens() {
            @Override
            int size() {
                return whole + (extra ? 1 : 0);
            }

            @Override
            String text(int i) {
                return i < whole ? base.text(i) : partial;
            }

            @Override
            byte[] json(int i) {
                return i < whole ? base.json(i) : partialJson;
            }
        };
    }

    static byte[] jsonLiteral(String s) {
        return GSON.toJson(s).getBytes(StandardCharsets.UTF_8);
    }

    // ---- generated prose: tokens are codes into static tables ----

    private static final String[] WORDS = ("the model answers this question with a short and careful reply that "
            + "covers each point in turn first we look at what the request asks then we weigh the options and "
            + "choose one clear path data from many sources shows how latency grows when load rises so a "
            + "simple plan keeps every step small and easy to test streaming tokens arrive one by one while the "
            + "client measures time to first token and total throughput under real network conditions good "
            + "results depend on clean input stable prompts fair prices and honest numbers users often compare "
            + "several providers before they pick the cheapest option that still meets their quality bar")
            .split(" ");
    private static final String CJK = "模型根据问题给出简短而准确的回答首先我们分析请求的内容然后比较不同方案选择一条清晰路径"
            + "数据来自多个来源说明负载升高时延迟也会增加因此简单计划让每一步都容易测试流式输出逐个到达客户端测量首字时间"
            + "和总吞吐量好的结果取决于干净输入稳定提示合理价格真实数字用户常常比较几家服务商再挑选最便宜的方案";
    private static final String[] EN_PUNCT = {"", ",", "."};
    private static final String[] ZH_PUNCT = {"", "，", "。"};
    private static final int EN_CODES = WORDS.length * 12;
    private static final int[] CJK_CPS = CJK.codePoints().toArray();
    private static final String[] TEXT;
    private static final byte[][] JSON;

    static {
        int total = EN_CODES + CJK_CPS.length * 3;
        TEXT = new String[total];
        JSON = new byte[total][];
        for (int w = 0; w < WORDS.length; w++) {
            for (int cap = 0; cap < 2; cap++) {
                for (int sp = 0; sp < 2; sp++) {
                    for (int p = 0; p < 3; p++) {
                        String word = cap == 1 ? Character.toUpperCase(WORDS[w].charAt(0)) + WORDS[w].substring(1)
                                : WORDS[w];
                        String t = (sp == 1 ? " " : "") + word + EN_PUNCT[p];
                        int code = w * 12 + cap * 6 + sp * 3 + p;
                        TEXT[code] = t;
                        JSON[code] = jsonLiteral(t);
                    }
                }
            }
        }
        for (int c = 0; c < CJK_CPS.length; c++) {
            for (int p = 0; p < 3; p++) {
                String t = new String(Character.toChars(CJK_CPS[c])) + ZH_PUNCT[p];
                int code = EN_CODES + c * 3 + p;
                TEXT[code] = t;
                JSON[code] = jsonLiteral(t);
            }
        }
    }

    /** {@code n} tokens of deterministic prose (a full stop at the end) in English or Chinese. */
    static Tokens prose(SplittableRandom rnd, int n, boolean chinese) {
        int[] codes = new int[n];
        int pos = 0;
        int len = 0;
        for (int i = 0; i < n; i++) {
            if (pos == 0) {
                len = chinese ? 8 + rnd.nextInt(13) : 6 + rnd.nextInt(9);
            }
            int punct;
            if (pos == len - 1 || i == n - 1) {
                punct = 2;
            } else if (pos >= 2 && pos < len - 2 && rnd.nextInt(8) == 0) {
                punct = 1;
            } else {
                punct = 0;
            }
            if (chinese) {
                codes[i] = EN_CODES + rnd.nextInt(CJK_CPS.length) * 3 + punct;
            } else {
                int cap = pos == 0 ? 1 : 0;
                int sp = i == 0 ? 0 : 1;
                codes[i] = rnd.nextInt(WORDS.length) * 12 + cap * 6 + sp * 3 + punct;
            }
            pos = punct == 2 ? 0 : pos + 1;
        }
        return new Tokens() {
            @Override
            int size() {
                return codes.length;
            }

            @Override
            String text(int i) {
                return TEXT[codes[i]];
            }

            @Override
            byte[] json(int i) {
                return JSON[codes[i]];
            }
        };
    }

    /** One random word (for generated JSON values). */
    static String word(SplittableRandom rnd, boolean chinese) {
        if (chinese) {
            int a = CJK_CPS[rnd.nextInt(CJK_CPS.length)];
            int b = CJK_CPS[rnd.nextInt(CJK_CPS.length)];
            return new String(Character.toChars(a)) + new String(Character.toChars(b));
        }
        return WORDS[rnd.nextInt(WORDS.length)];
    }

    // ---- arbitrary text (JSON answers, tool arguments) split into pieces ----

    /** {@code text} split into token-sized pieces: words with their leading space, single CJK characters. */
    static Tokens pieces(String text) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        int prev = -1;
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            boolean boundary = cur.length() > 0 && (
                    (Character.isWhitespace(cp) && prev >= 0 && !Character.isWhitespace(prev))
                            || prev == '{' || prev == '[' || prev == ',' || prev == ':'
                            || (isHan(cp) && !Character.isWhitespace(prev)));
            if (boundary) {
                out.add(cur.toString());
                cur.setLength(0);
            }
            cur.appendCodePoint(cp);
            prev = cp;
            i += Character.charCount(cp);
        }
        if (cur.length() > 0) {
            out.add(cur.toString());
        }
        String[] texts = out.toArray(new String[0]);
        byte[][] json = new byte[texts.length][];
        for (int i = 0; i < texts.length; i++) {
            json[i] = jsonLiteral(texts[i]);
        }
        return new Tokens() {
            @Override
            int size() {
                return texts.length;
            }

            @Override
            String text(int i) {
                return texts[i];
            }

            @Override
            byte[] json(int i) {
                return json[i];
            }
        };
    }

    static boolean isHan(int cp) {
        return Character.UnicodeScript.of(cp) == Character.UnicodeScript.HAN;
    }

    /** True when {@code s} contains a CJK ideograph. */
    static boolean containsHan(String s) {
        return s != null && s.codePoints().anyMatch(Tokens::isHan);
    }

    /** The simulator's token count of an input text: words, plus one per CJK character. */
    static int count(String s) {
        if (s == null) {
            return 0;
        }
        int n = 0;
        boolean inWord = false;
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            i += Character.charCount(cp);
            if (isHan(cp)) {
                n++;
                inWord = false;
            } else if (Character.isWhitespace(cp)) {
                inWord = false;
            } else if (!inWord) {
                n++;
                inWord = true;
            }
        }
        return n;
    }
}
