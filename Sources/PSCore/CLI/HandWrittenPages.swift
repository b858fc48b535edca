// Generated from man/*.7 by HandWrittenPagesTests (PSTOOLS_UPDATE_GENERATED=1 swift test --filter GeneratedDocs).
// Do not edit: edit the page and regenerate. `pstools --install` writes these pages.

enum HandWrittenPages {
    static let all: [(name: String, text: String)] = [
        ("pstools.7", ##"""
.\" pstools(7): the overview. Hand-written (not generated); checked by
.\" `groff -man -ww -z` in Tests/PSCoreTests/PSToolsPageTests.swift.
.TH PSTOOLS 7 "" "pstools 0.1.0" "pstools manual"
.SH NAME
pstools \- small tools that watch Linux process trees, chained with pipes
.SH SYNOPSIS
.nf
\fBpssnap\fR [\fIOPTIONS\fR] | \fBpsfilter\fR \fIQUERY\fR | \fBpsdelta\fR | \fBpscsv\fR
.fi
.SH DESCRIPTION
pstools read /proc and turn it into a stream of records, one JSON object
per process per line, that small tools filter, measure, sum and format.
Each tool does one thing; a pipeline does the rest:
.PP
.RS
.nf
pssnap \-i1 | psfilter \(aqpid==2610..\(aq | psdelta | pscsv
.fi
.RE
.PP
takes a snapshot of every process each second, keeps process 2610 and its
descendants, adds CPU percentages and per-second rates, and writes CSV.
Every stage writes each record as soon as it can know it, so the pipeline
shows each row within one interval of its snapshot.
.SH THE TOOLS
.TP
.BR pssnap (1)
Reads /proc and writes snapshots of the process tree: once, every
\fB\-i\fR \fISECONDS\fR, or for the life of a command
(\fBpssnap \-\- make \-j8\fR).
.TP
.BR psfilter (1)
Keeps the records a query selects. \fBX..\fR selects what matches
\fBX\fR and its descendants, \fB..X\fR what matches and its ancestors:
\fBpsfilter \(aqcomm==nginx..\(aq\fR.
.TP
.BR psdelta (1)
Adds \fBdt\fR, \fBcpu\fR, \fBcpu_user\fR, \fBcpu_sys\fR and a
\fICOUNTER\fB_rate\fR per second for every counter, between consecutive
observations of each process.
.TP
.BR psagg (1)
Sums the records of each snapshot (per group with \fB\-g\fR, per top-most
match with \fB\-\-by\-root\fR): one record per snapshot.
.TP
.BR pscsv (1)
Writes CSV (RFC 4180), header once; \fB\-a\fR \fIFILE\fR appends to a log.
.TP
.BR pstrend (1)
Reads a whole recording and writes one record per process or group, most
suspicious first: first, last, peak and mean of each field, its slope per
second, the p\-value of its trend and a leak verdict.
.TP
.BR pstsv (1)
Writes tab-separated values, header once, with \fB\et\fR \fB\en\fR
\fB\er\fR \fB\e\e\fR escaped in cells.
.PP
Every tool reads the \fIFILE\fRs named (\fB\-\fR is standard input) or
standard input, as one stream. A line that is not a record is reported as
\fITOOL\fB: \fIFILE\fB:\fILINE\fB:\fICOL\fB: \fImessage\fR and skipped,
and the exit status is then 1 (\fB\-\-strict\fR stops at the first);
usage errors exit 2; a closed output pipe ends a tool silently with status 0.
.SH THE STREAM
NDJSON: UTF-8, one JSON object per line, a newline after each, nothing
else (no blank lines, no comments, no header). A record is one process (one
thread with \fBpssnap \-T\fR: \fBpid\fR is then its process, \fBtid\fR the
thread, and a process's threads follow one another in tid order).
.PP
A \fIsnapshot\fR is a maximal run of consecutive records with the same
\fBts\fR; pssnap never gives two consecutive snapshots the same \fBts\fR.
Within a snapshot pssnap writes the records in tree order: every process
after its parent, siblings by ascending pid, roots (ppid 0, or a parent not
in the snapshot) by ascending pid, with \fBdepth\fR 0 for a root. Tools that
drop records keep the order of the rest. No tool needs that order to be
right (a stream sorted with jq is filtered, summed and drawn correctly);
some use it to write each record sooner.
.PP
A process is identified by \fB(pid, start)\fR: pids are reused, start
times are not (and \fBtid\fR too in a thread stream). Every tool that relates
records across snapshots keys on both. A \fBpid\fR, \fBppid\fR or \fBtid\fR
that is not an integer from 0 to 2147483647 makes its record a bad one,
never another process.
.PP
Why one line per process and not one line per snapshot: \fBjq
\(aqselect(...)\(aq\fR, \fBgrep\fR, CSV and streaming in bounded memory all
work per line; the tree is kept by \fBppid\fR, \fBdepth\fR and the order.
.PP
A tool that passes a record through writes it byte for byte; psdelta and
pslabel append their fields before the closing brace. So jq, grep and a
user's own scripts can sit anywhere in a pipeline. A string escape such as a lone
surrogate (\fB\(rsud800\fR, valid JSON syntax that stands for no
character; pssnap never writes one) is passed through as it was; a tool that
builds its own output from a string (psagg's group key, pscsv's cells)
writes U+FFFD for it, so what it writes is valid UTF-8.
.PP
A problem with a record is reported as \fITOOL\fB: \fIFILE\fB:\fILINE\fB:\fICOL\fB: \fImessage\fR,
also when the line is valid JSON but lacks what the tool needs: the column
is then that of the value of the field the message names, or of the closing
brace where a missing field would be
(\fBpsdelta: stdin:1:16: missing field \(aqstart\(aq\fR).
.SH FIELDS AND UNITS
.IP \(bu 2
Memory in bytes (\fBrss\fR, \fBvsize\fR, \fBswap\fR, \fBpss\fR,
\fBuss\fR), CPU and other times in seconds (\fButime\fR, \fBstime\fR,
\fBcutime\fR, \fBcstime\fR, \fBiowait\fR, \fBage\fR, \fBdt\fR), timestamps
in Unix epoch seconds with at most 3 decimals (\fBts\fR, \fBstart\fR),
rates per second, \fBcpu\fR in percent of one CPU (100 is one core busy, as
in top).
.IP \(bu 2
A field that could not be read (the process ended, permission denied, the
file is absent on this kernel), or cannot be known yet (a rate at a
process's first sight), is \fBnull\fR, never 0 and never missing; a field
group that was not asked for is absent.
.IP \(bu 2
Numbers are plain JSON numbers: never an exponent, never NaN or infinite.
Every number read from /proc is checked: one out of range is \fBnull\fR,
never another number.
.IP \(bu 2
Strings are valid UTF-8 JSON strings. Bytes from /proc that are not UTF-8
(comm and cmdline may hold any byte but NUL) become U+FFFD; control
characters are escaped (\fB\en\fR, \fB\eu001b\fR), so nothing a process
calls itself can break a line.
.IP \(bu 2
The /proc/PID/io counters of a process include those of the children it
has reaped.
.IP \(bu 2
Summed \fBrss\fR counts pages shared between processes once per process;
\fBpss\fR (\fBpssnap \-f +smaps\fR) divides them among their users and
adds up.
.PP
\fBpssnap\fR(1) lists every field pssnap writes with the /proc file it
comes from; \fBpsdelta\fR(1) and \fBpsagg\fR(1) the fields they add.
.SH FIELD KINDS
Every field has one kind, and every tool treats a field by its kind, from
one table in the code:
.TP
.B time
\fBts\fR, \fBstart\fR, \fBage\fR, \fBdt\fR: when. Never summed; the x
axis of a chart; a sample's time in a metrics engine.
.TP
.B identity
\fBpid\fR, \fBtid\fR, \fBppid\fR, \fBpgid\fR, \fBsid\fR, \fBdepth\fR:
which process, where in the tree. Never summed; name a series.
.TP
.B label
\fBhost\fR, \fBcomm\fR, \fBstate\fR, \fBtty\fR, \fBuid\fR, \fBuser\fR,
\fBcgroup\fR, \fBcmdline\fR, \fBargv\fR, and any string field (pslabel's):
a group key (\fBpsagg \-g\fR), a metric label, a series name.
.TP
.B gauge
\fBrss\fR, \fBvsize\fR, \fBswap\fR, \fBpss\fR, \fBuss\fR, \fBpss_*\fR,
\fBfds\fR, \fBthreads\fR, \fBtcp\fR, \fBudp\fR, \fBunix\fR, \fBnice\fR,
\fBprio\fR, \fBprocessor\fR, and psagg's \fBcount\fR and \fBcpus\fR: a
level. psagg sums them (but not nice, prio and processor); a metrics engine
gets a gauge.
.TP
.B counter
\fButime\fR, \fBstime\fR, \fBcutime\fR, \fBcstime\fR, \fBiowait\fR,
\fBminflt\fR, \fBmajflt\fR, \fBvctx\fR, \fBnvctx\fR, \fBrchar\fR,
\fBwchar\fR, \fBsyscr\fR, \fBsyscw\fR, \fBread_bytes\fR,
\fBwrite_bytes\fR, \fBcancelled_write_bytes\fR: only grows while the
process lives. psdelta turns each into a rate (utime and stime into
\fBcpu_user\fR and \fBcpu_sys\fR, the others into \fICOUNTER\fB_rate\fR);
psagg sums them; a metrics engine gets a counter (\fB_total\fR).
.TP
.B rate
\fBcpu\fR, \fBcpu_user\fR, \fBcpu_sys\fR, \fBcpu_reaped\fR and every
\fB*_rate\fR: per second (cpu in percent). Summed by psagg; a gauge in a
metrics engine.
.PP
A field no tool knows (one a user adds with jq) is a gauge when it is a
number and a label when it is a string; a number whose name ends in
\fB_rate\fR is a rate. Units come with the field and drive axis labels,
metric names (\fB_bytes\fR, \fB_seconds_total\fR), SQL column types and the
human formatting of psview and psplot.
.SH SERIES
psplot draws, and pstrend judges, \fIseries\fR: a record with \fBpid\fR
belongs to the series of its process, \fB(pid, start)\fR (and \fBtid\fR in
a thread stream), so a reused pid is a new series; a psagg row belongs to
the series of its group key (the \fB\-g\fR field's value, or
\fB\-\-by\-root\fR's pid, start and comm), found without options: a row's
group key is its label fields (\fBuser\fR, \fBuid\fR, \fBstate\fR, \fBhost\fR...)
and the fields of a user's own not named like a number whose value is not
a number (a \fBpslabel\fR field); psexport labels a row's samples by the
same fields. Their
\fB\-s\fR \fIFIELD\fR,... names the key explicitly. People read a series
as \fIcomm pid\fR, or by its key values.
.SH CONVENTIONS
Every tool keeps these:
.IP \(bu 2
It reads the \fIFILE\fRs named (\fB\-\fR is standard input), or standard
input, as one stream.
.IP \(bu 2
Output is never held back waiting for input: a tool flushes before any read
or open that could block, so a live pipeline shows each record as soon as
every stage can know it.
.IP \(bu 2
Memory is bounded: psfilter and psdelta hold at most one or two snapshots,
pscsv and pstsv one record, psagg one snapshot's groups, psview one
snapshot, psplot and pstrend a bounded number of points per series however
long the stream.
.IP \(bu 2
A line that is not a JSON object, or lacks a field the tool needs, is
reported on standard error as \fITOOL\fB: \fIFILE\fB:\fILINE\fB:\fICOL\fB:
\fImessage\fR, skipped, and the run goes on; the exit status is then 1.
\fB\-\-strict\fR stops at the first. Good records are never lost because of
a bad neighbour.
.IP \(bu 2
Exit status: 0 success; 1 runtime trouble (bad input lines, a file that
cannot be opened, /proc unreadable, a write error); 2 a usage error (an
unknown option, a bad query). Processes that cannot be read (gone, hidden,
forbidden) are normal, not trouble.
.IP \(bu 2
SIGINT and SIGTERM end a repeating run after the record or snapshot in
progress is written whole, with status 0 (in \fBpssnap \-\- COMMAND\fR,
the command's status). A closed output pipe ends a tool at once, silently,
with status 0. A full non-blocking output is waited for.
.IP \(bu 2
A field named in a query or in \fB\-f\fR that no record of the first
snapshot has is said once, with the nearest known name, and the run goes
on.
.IP \(bu 2
A file a tool is told to write (\fBpscsv \-a\fR, \fBpssnap \-o\fR,
\fBpsplot \-o\fR, \fBpsexport \-\-textfile\fR) is never reached through a
symbolic link and must be a regular file: as root from cron, in a directory
another user can write, a planted link cannot redirect the output.
.IP \(bu 2
\fB\-h\fR, \fB\-\-help\fR prints the synopsis, options and examples;
\fB\-\-version\fR prints \fITOOL VERSION\fR. Every tool has a man page and
bash, zsh and fish completions, which complete field names where a field
is expected.
.SH RECIPES
The memory of a process subtree over time, summed, as an SVG chart (one
panel per field, in MiB and GiB), and each of its processes on its own line:
.PP
.RS
.nf
pssnap \-i1 \-d600 \-f +smaps | psfilter \(aqpid==2610..\(aq | tee mem.ndjson |
    psagg | psplot \-y rss,pss,count \-o mem.svg
psplot \-y pss \-\-top 5 mem.ndjson > mem\-per\-process.svg
.fi
.RE
.PP
A command and all its descendants, CPU and memory, live in the terminal
while it runs, then as a picture:
.PP
.RS
.nf
pssnap \-i1 \-o build.ndjson \-\- make \-j8 &
tail \-f build.ndjson | psdelta | psagg | psplot \-\-live \-y cpu,rss
psdelta build.ndjson | psagg | psplot \-y cpu,rss,write_bytes_rate > build.svg
.fi
.RE
.PP
One service's processes every second until they have all ended, at the cost
of their own tree however busy the host (pssnap follows it from its roots
instead of reading all of /proc):
.PP
.RS
.nf
pssnap \-i1 \-p "$(pgrep \-d, \-x nginx)" | psdelta |
    pscsv \-f ts,pid,comm,cpu,rss > nginx.csv
.fi
.RE
.PP
Into SQLite, typed, a transaction per snapshot, then ask it questions
(\fBpssql \-\-dialect postgres\fR for \fBpsql\fR):
.PP
.RS
.nf
pssnap \-i1 \-n60 | psdelta | pssql | sqlite3 procs.db
sqlite3 procs.db \e
    \(aqselect comm, max(cpu) from record group by comm order by 2 desc limit 5\(aq
.fi
.RE
.PP
With jq, one line each:
.PP
.RS
.nf
pssnap | jq \-c \(aqselect(.rss > 100000000) | {pid, comm, rss}\(aq
pssnap | jq \-s \(aqgroup_by(.user) | map({user: .[0].user, rss: (map(.rss) | add)})\(aq
pssnap \-i1 | psdelta | jq \-c \(aqselect(.cpu != null and .cpu > 50) | {ts, pid, comm, cpu}\(aq
pssnap \-i1 \-n2 | psdelta | jq \-r \(aqselect(.write_bytes_rate > 0) | [.pid, .comm, .write_bytes_rate] | @tsv\(aq
.fi
.RE
.PP
Logging from cron: a line in a crontab appends a row per postgres process
every minute, each with its CPU and write rate over the second between two
snapshots; \fBpscsv \-a\fR writes the header only while the file is empty:
.PP
.RS
.nf
PATH=/usr/local/bin:/usr/bin:/bin
* * * * * pssnap \-i1 \-n2 \(aqcomm==postgres..\(aq | psdelta | pscsv \-f ts,pid,comm,cpu,rss,write_bytes_rate \-a /var/log/pg.csv
.fi
.RE
.PP
(cron runs its jobs with PATH=/usr/bin:/bin: the PATH line, or absolute
paths, find tools installed elsewhere.)
Or keep the records themselves, and compute rates over any span later:
psdelta reads concatenated logs as one stream, so each process gets rates
over the minute between two cron runs:
.PP
.RS
.nf
* * * * * pssnap >> /var/log/procs.ndjson
psdelta /var/log/procs.ndjson | pscsv \-f ts,pid,comm,cpu,rss > day.csv
.fi
.RE
.PP
Which process leaks? Record ten minutes, then judge every process; leaks
come first, and \fBpsplot\fR or jq show the culprit's curve:
.PP
.RS
.nf
pssnap \-i1 \-d600 \-f +smaps > run.ndjson
pstrend \-y uss,fds run.ndjson | jq \-c \(aqselect(.uss_leak or .fds_leak) | {pid, comm, uss_slope, fds_slope}\(aq
.fi
.RE
.PP
A build's peak and mean memory and CPU, in one record:
.PP
.RS
.nf
pssnap \-i1 \-\- make \-j8 | psdelta | psagg | pstrend \-y rss,cpu
.fi
.RE
.PP
A fleet: name kinds of processes with rules, sum them per kind, and feed the
engine that already watches the machines (a handful of series per host,
whatever the processes come and go); the rules file is read again when it is
edited:
.PP
.RS
.nf
pssnap \-i10 | pslabel \-r /etc/pstools/images.conf \-n image | psagg \-g image |
    psexport \-F opentsdb \-\-host | nc tsdb 4242
pssnap \-i15 | psagg \-g user |
    psexport \-\-textfile /var/lib/node_exporter/textfile/pstools.prom
* * * * * pssnap \-i1 \-n2 | psdelta | psagg \-g user | psexport \-F prometheus \-\-host |
    curl \-s \-\-data\-binary @\- http://vm:8428/api/v1/import/prometheus
For people: a live tree, each service with the CPU and memory of all its
workers, redrawn every second; and a recording played ten times faster:
.PP
.RS
.nf
pssnap \-i1 | psdelta | psview \-\-sum \-\-sort cpu
psview \-\-replay 10 \-\-sum incident.ndjson
.fi
.RE
.SH SEE ALSO
.BR pssnap (1),
.BR psfilter (1),
.BR psdelta (1),
.BR psagg (1),
.BR pscsv (1),
.BR pstsv (1),
.BR pstrend (1),
.BR jq (1),
.BR proc (5)
"""##),
        ("pstools-query.7", ##"""
.\" Hand-written: the query language of psfilter(1), pssnap(1) and psagg(1).
.TH PSTOOLS-QUERY 7 "" "pstools 0.1.0" "pstools manual"
.SH NAME
pstools-query \- the tree query language of psfilter, pssnap and psagg
.SH SYNOPSIS
.nf
\fBpsfilter\fR \fIQUERY\fR [\fIFILE\fR...]
\fBpssnap\fR [\fIOPTIONS\fR] \fIQUERY\fR
\fBpsagg \-q\fR \fIQUERY\fR [\fIFILE\fR...]
.fi
.SH DESCRIPTION
A query is a boolean expression over the fields of one process record, plus
two tree operators that reach over the record's snapshot (the run of records
with the same \fBts\fR). The tree is built from \fBpid\fR and \fBppid\fR
within the snapshot, so a query gives the same records whatever the order of
the input.
.SH GRAMMAR
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
\fB!\fR binds tightest, then \fB&&\fR, then \fB||\fR; parentheses group.
\fBand\fR, \fBor\fR, \fBnot\fR and \fBin\fR are words only where the grammar
expects them, so a field may still be called \fBin\fR. Spaces between tokens
are optional.
.SS Tree operators
.TP
\fIX\fB..\fR
each process that matches \fIX\fR and all its descendants:
\fBpid==2610..\fR is the subtree rooted at 2610.
.TP
\fB..\fIX\fR
each process that matches \fIX\fR and all its ancestors, up to its root.
.TP
\fB..\fIX\fB..\fR
both.
.PP
\fB..\fR applies to one comparison or one parenthesized query, and the result
is a set of processes that combines with the rest like any comparison:
\fB(comm==sshd)..\ &&\ user==root\fR is the processes under an sshd (sshd
included) that belong to root.
.SS Fields
\fIFIELD\fR is a name of letters, digits and \fB_\fR: any field of the
records (see \fBpssnap\fR(1) for pssnap's, and \fBpsdelta\fR's \fBdt\fR,
\fBcpu\fR, \fBcpu_user\fR, \fBcpu_sys\fR and \fB*_rate\fR). Names that
pstools does not know are allowed: a field added by a user's own script
works.
.SS Values
.TP
numbers
\fB12\fR, \fB\-5\fR, \fB0.25\fR, with an optional binary suffix \fBK\fR,
\fBM\fR, \fBG\fR or \fBT\fR (powers of 1024): \fBrss>100M\fR is more than
104857600 bytes.
.TP
bare words
a run of letters, digits and \fB_ \- . / : @ +\fR that is not a number:
\fBcomm==nginx\fR, \fBcomm==kworker/0:1\-events\fR, \fBuser==www\-data\fR. A bare
word ends before \fB..\fR.
.TP
quoted strings
\fB\(aq...\(aq\fR or \fB"..."\fR; inside, a backslash escapes the quote and
itself, and any other backslash is kept (so \fB\(aq\e.py$\(aq\fR is the
regular expression \fB\e.py$\fR). Quote anything else: spaces, \fB( ) & | ! =
< > ~ ^ $ * [ ]\fR.
.SS Comparisons
A field holding a number is compared as a number (exactly when both sides are
integers); comparing a known number field (\fBpid\fR, \fBrss\fR, \fBcpu\fR,
\fB*_rate\fR...) with a word or a quoted string is an error when the query is
parsed. Any other field is compared as text, byte by byte after JSON escapes
are decoded, so \fBcomm==123\fR matches a process named 123; a boolean, array
or object is compared as its JSON text. For a field pstools does not know,
the record's value decides: a number compares with numbers, a string with the
value's text.
.PP
\fB~\fR matches a POSIX extended regular expression (\fBregex\fR(7))
anywhere in the text; anchor it with \fB^\fR and \fB$\fR. \fB!~\fR is its
negation. On a number field it matches the decimal text as written in the
record (\fBpid~\(aq^1\(aq\fR). See \fBREGULAR EXPRESSIONS\fR.
.PP
\fIFIELD\fB in (\fIA\fB, \fIB\fB, ...)\fR is true when the field equals one
of the values.
.PP
A \fBnull\fR or absent field makes every comparison false, except \fB!=\fR
and \fB!~\fR, which are true: each is the negation of its twin. So
\fBtty!~\(aq\(aq\fR selects the records whose tty is null or absent (the
empty expression matches any text).
.SH REGULAR EXPRESSIONS
The text a \fB~\fR looks at is written by whoever runs a process (a
\fBcmdline\fR can be megabytes of anything), so pstools matches with its own
engine, an automaton that reads the text once: the time is linear in the
text whatever the pattern (glibc's backtracking took 46 seconds for
\fBcmdline~\(aqa.*b\(aq\fR on 128 KiB of \fBa\fR). It answers "does it
match anywhere" exactly as POSIX's leftmost-longest matching would, for:
.IP \(bu 2
characters and \fB\e\fR\fIc\fR (the character \fIc\fR itself:
\fB\e.\fR, \fB\e*\fR, \fB\e\e\fR); \fB.\fR (any character);
\fB^\fR and \fB$\fR (the start and end of the text: a string has no lines
here);
.IP \(bu 2
bracket expressions: \fB[abc]\fR, \fB[^abc]\fR, ranges \fB[a\-z]\fR,
\fB[]a]\fR, \fB[a\-]\fR, the classes \fB[:alpha:]\fR \fB[:digit:]\fR
\fB[:alnum:]\fR \fB[:upper:]\fR \fB[:lower:]\fR \fB[:space:]\fR
\fB[:blank:]\fR \fB[:punct:]\fR \fB[:print:]\fR \fB[:graph:]\fR
\fB[:cntrl:]\fR \fB[:xdigit:]\fR, and \fB[.c.]\fR, \fB[=c=]\fR for one
character;
.IP \(bu 2
groups \fB( )\fR, alternation \fB|\fR, and the repetitions \fB*\fR
\fB+\fR \fB?\fR \fB{\fR\fIm\fB}\fR \fB{\fR\fIm\fB,}\fR
\fB{\fR\fIm\fB,\fR\fIn\fB}\fR \fB{,\fR\fIn\fB}\fR;
.IP \(bu 2
GNU's \fB\ew\fR \fB\eW\fR \fB\es\fR \fB\eS\fR, and the word
boundaries \fB\eb\fR \fB\eB\fR \fB\e<\fR \fB\e>\fR.
.PP
Characters are Unicode characters of the UTF-8 text: \fB.\fR matches all
of \fBé\fR or of an emoji, never half of one, and \fB^h.llo$\fR matches
\fBhéllo\fR; a byte that is not valid UTF-8 reads as U+FFFD. The classes,
\fB\ew\fR and the word boundaries are ASCII's, as in the C locale:
\fB[[:alpha:]]\fR does not match \fBé\fR (\fB[^[:space:]]\fR and
\fB.\fR do). Matching is case-sensitive (\fB[Nn]ginx\fR for both). Unlike
glibc, \fB.\fR also matches NUL (a \fB\eu0000\fR in a string).
.PP
Refused, as an error in the query (exit status 2) that says why:
backreferences (\fB\e1\fR...\fB\e9\fR), which no linear-time matcher
can decide; a repetition count above 255; a pattern larger than 10000
steps once its counted repetitions are expanded
(\fB(a{1,100}){1,200}\fR); groups and repetitions nested more than 100
deep. Syntax errors are glibc's (\fBinvalid preceding regular
expression\fR for \fB*a\fR, \fBunmatched [\fR...).
.SH LIMITS
Parentheses and negations (\fB!\fR, \fBnot\fR) may nest 100 deep; a
deeper query is an error (\fBparentheses and negations nested more than 100
deep\fR, exit status 2), so that no query, however it was built, can
exhaust the stack (a 1 MiB stack is enough). A chain of \fB&&\fR
or \fB||\fR is not nesting: any number of terms is fine.
.SH STREAMING
\fBpsfilter\fR decides a query without tree operators record by record. A
query whose tree operators are all \fIX\fB..\fR (none under \fB!\fR) is
decided as records arrive when each record's parent came before it (as in
pssnap's output); from a record whose parent has not been seen yet, and that
does not match every tree operator on its own, the rest of the snapshot waits
for the snapshot's end. Any \fB..\fIX\fR waits for each snapshot's end.
.SH PSSNAP QUERY
\fBpssnap\fR \fIQUERY\fR writes the records of \fBpssnap | psfilter\fR
\fIQUERY\fR, with \fBdepth\fR the depth in the whole tree, but reads the files
after stat only for processes the query can still select. A query on fields
of stat alone (pid, ppid, pgid, sid, comm, state, tty, start, nice, prio,
threads, utime...) costs little more than reading stat; \fBts\fR, \fBage\fR,
\fBrss\fR and the fields of the other files are only known after the full
read. A tree operator whose operand needs one of those
(\fB(cmdline~java)..\fR) makes pssnap read every process.
.SH EXAMPLES
.TP
\fBpssnap | psfilter \(aqpid==2610..\(aq\fR
process 2610 and its whole subtree.
.TP
\fBpssnap \(aqpid==2610..\(aq\fR
the same, reading little more than stat for the other processes.
.TP
\fBpssnap | psfilter "..pid==$$"\fR
the current shell and its ancestors, up to init.
.TP
\fBpssnap | psfilter \(aquser==alice && rss>100M\(aq\fR
a user's processes over 100 MiB resident.
.TP
\fBpssnap \-f +cgroup | psfilter \(aqcgroup~"^/system.slice/docker\-4f2a"\(aq\fR
the processes of one container, by its cgroup.
.TP
\fBpssnap \-f +cgroup | psfilter \(aqcgroup~kubepods && comm!=pause\(aq\fR
Kubernetes pods' processes, without the pause containers.
.TP
\fBpssnap | psfilter \(aq(comm==sshd).. && user!=root\(aq\fR
login sessions under sshd that are not root's.
.TP
\fBpssnap | psfilter \(aqcomm in (bash, zsh, fish) && tty!~"^pts/"\(aq\fR
shells without a pseudo-terminal.
.TP
\fBpssnap | psfilter \(aqstate==Z..\(aq\fR
zombies (and anything under them).
.TP
\fBpssnap | psfilter \(aq..(state==D)\(aq\fR
processes in uninterruptible sleep, with the chain that started them.
.TP
\fBpssnap | psfilter \(aqcmdline~"\e.py( |$)" && !comm~"^python"\(aq\fR
Python scripts run through another name.
.TP
\fBpssnap \-i1 | psdelta | psfilter \(aqcpu>50 || read_bytes_rate>10M\(aq\fR
every second, the processes using half a CPU or reading over 10 MiB/s.
.TP
\fBpssnap | psfilter \(aqnice<\-5 || prio<0\(aq\fR
raised priority and real-time tasks.
.TP
\fBpssnap \-\- make \-j8 | psfilter \(aqcomm~"^(cc1|cc1plus|ld)$"\(aq\fR
the compilers and linkers of a build.
.SH ERRORS
A query that cannot be parsed stops the tool with exit status 2 before any
input is read, with the position (line and column, in bytes), the query line,
and a caret under the problem:
.PP
.nf
psfilter: query:1:9: expected a value after \(aq==\(aq
comm == && pid==1
        ^
.fi
.SH SEE ALSO
\fBpsfilter\fR(1), \fBpssnap\fR(1), \fBpsagg\fR(1), \fBregex\fR(7)
"""##),
    ]
}
