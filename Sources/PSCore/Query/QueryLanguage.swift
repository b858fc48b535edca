/// The query language's summary for the man pages (psfilter(1)'s QUERY LANGUAGE section); the
/// whole reference is the hand-written man/pstools-query.7.
enum QueryLanguage {
    static let roff = """
        .nf
        query      := or
        or         := and  ( ("||" | "or")  and )*
        and        := unary ( ("&&" | "and") unary )*
        unary      := ("!" | "not") unary | tree
        tree       := ".."? primary ".."?
        primary    := "(" query ")" | comparison
        comparison := FIELD OP VALUE | FIELD "in" "(" VALUE ("," VALUE)* ")"
        OP         := "==" | "!=" | "<" | "<=" | ">" | ">=" | "~" | "!~"
        .fi
        .PP
        \\fB!\\fR binds tighter than \\fB&&\\fR, which binds tighter than \\fB||\\fR; \\fB..\\fR applies to one comparison or one parenthesized query: \\fB(comm==sshd)..\\ &&\\ user==root\\fR is the root-owned processes in sshd's subtrees.
        .PP
        A \\fIVALUE\\fR is a number with an optional binary suffix (\\fBK\\fR, \\fBM\\fR, \\fBG\\fR, \\fBT\\fR: powers of 1024, so \\fBrss>100M\\fR), a bare word (letters, digits and \\fB_\\-./:@+\\fR, ending before \\fB..\\fR), or a string in single or double quotes in which a backslash escapes the quote and itself. A number field is compared as a number; any other field as text (a string's characters, byte by byte), so \\fBcomm==123\\fR works. Comparing a known number field with a word is an error. \\fB~\\fR and \\fB!~\\fR match an extended regular expression (\\fBregex\\fR(7)) anywhere in the text (anchor with \\fB^\\fR and \\fB$\\fR); on a number field, its decimal text as written in the record.
        .PP
        A \\fBnull\\fR or absent field makes every comparison false except \\fB!=\\fR and \\fB!~\\fR, which are true. Fields that pstools does not know are allowed and compared by their JSON kind.
        """
}
