#!/bin/sh
# The scenario's dictionary: every word of words-base.txt (100 common
# passwords and site words, written for this library) under twelve
# mangling rules - as is and Capitalised, each alone or followed by 1, 123,
# 2023, 2024 or ! - i.e. 100 x 12 = 1200 candidates, 1188 once duplicates are dropped,
# cheap rules first, as a cracker would.  usage: make-wordlist.sh > wordlist.txt
set -eu
awk 'NR == FNR { w[n++] = $0; next } END {
    split(",1,123,2023,2024,!", suf, ",")
    for (s = 1; s <= 6; s++)
        for (i = 0; i < n; i++) {
            a = w[i] suf[s]; b = toupper(substr(w[i], 1, 1)) substr(w[i], 2) suf[s]
            if (!(a in seen)) { seen[a] = 1; print a }
            if (!(b in seen)) { seen[b] = 1; print b }
        } }' "$(dirname "$0")/words-base.txt" /dev/null
