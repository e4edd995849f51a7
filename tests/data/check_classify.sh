#!/bin/sh
# check_classify.sh EDUDESK HELDOUT.tsv FLOOR
# Pipes the messages (column 3) of a labelled TSV through `EDUDESK classify` and checks that
# every line gives exactly one answer of two columns (three with "supervisor"), valid ids,
# and that at least FLOOR (a fraction) of the answers match the labelled category.
set -eu
bin=$1 tsv=$2 floor=$3
cut -f3 "$tsv" | "$bin" classify | paste "$tsv" - | awk -F'\t' -v floor="$floor" '
  BEGIN { cats = " course_quality technical service_attitude after_sales account_security other " }
  {
    n++
    if (NF != 5 && !(NF == 6 && $6 == "supervisor")) { print "line " n ": bad answer: " $0; bad++ }
    if (index(cats, " " $4 " ") == 0 || $5 !~ /^P[1-4]$/) { print "line " n ": bad ids: " $0; bad++ }
    if ($1 == $4) ok++
    if ($2 == $5) pok++
    if (NF == 6) flagged++
  }
  END {
    printf "classify CLI: category %d/%d (%.3f, floor %s), priority %d/%d, %d flagged for the supervisor\n",
           ok, n, n ? ok / n : 0, floor, pok, n, flagged
    if (n == 0 || bad > 0 || ok < floor * n) exit 1
  }'
