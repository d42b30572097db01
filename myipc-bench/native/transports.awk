# SPDX-License-Identifier: GPL-2.0
# ../transports.tsv -> the initialisers of TRANSPORTS[] (transport.c includes them).
# The family names the ops (<family>_ops, transport.h); scheme and java_what are the Java runner's.
BEGIN { FS = "\t" }

function fail(msg) {
	printf "%s:%d: %s\n", FILENAME, FNR, msg > "/dev/stderr"
	bad = 1
	exit 1
}

# a C string literal: awk's gsub treats backslashes differently from one awk to the next
function cstr(s,    out, i, c) {
	out = ""
	for (i = 1; i <= length(s); i++) {
		c = substr(s, i, 1)
		if (c == "\\" || c == "\"")
			out = out "\\"
		out = out c
	}
	return "\"" out "\""
}

/^#/ || /^$/ { next }

{
	if (NF != 8)
		fail(NF " fields, want 8 (name family scheme capacity sync flags what java_what)")
	if ($1 !~ /^[a-z0-9-]+$/ || $2 !~ /^[a-z]+$/)
		fail("bad name or family")
	if ($4 !~ /^[0-9]+$/)
		fail("capacity '" $4 "' is not a number of bytes")
	printf "\t{ .name = %s, .ops = &%s_ops, .size = %s,", cstr($1), $2, $4
	if ($5 != "-")
		printf " .sync = %s,", cstr($5)
	n = $6 == "-" ? 0 : split($6, flag, ",")
	for (i = 1; i <= n; i++) {
		if (flag[i] == "ring")
			printf " .ring = 1,"
		else if (flag[i] == "null-reader")
			printf " .null_reader = 1,"
		else
			fail("unknown flag '" flag[i] "'")
	}
	printf "\n\t  .what = %s },\n", cstr($7)
}

END {
	if (!bad && !NR)
		fail("no transports")
}
