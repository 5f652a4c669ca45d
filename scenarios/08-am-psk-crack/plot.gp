# Scenario 8 figure: wall time of the dictionary attack per PSK, and the
# rate of candidate keys per second, one process per word vs --crack-psk.
# Input (run.sh): datafile lines "PSK SECONDS RESULT" (RESULT FOUND or NOT),
# ratefile lines "\"METHOD\" WORDS_PER_S", outfile, caption.
set terminal pngcairo size 1300,560 font 'DejaVu Sans,10'
set output outfile
set bmargin 5
set multiplot layout 1,2 title "Scenario 08: offline dictionary attack on an Aggressive Mode PSK (HASH_R from messages 1-2)\n{/*0.8 ".caption."}"
set style fill solid 0.7 border -1
set boxwidth 0.5
set ylabel 'wall-clock time of the attack (s)'
set xlabel 'PSK attacked (outcome)' offset 0,-1
set yrange [0:*]
set xrange [-0.6:1.6]
set grid ytics
unset key
set xtics ("weak PSK \n(search stops at its line, 816)" 0, "strong PSK\n(whole dictionary tried)" 1)
set title 'whole attack (capture parsing + dictionary), wall clock'
plot datafile using 0:2 with boxes lc rgb '#9400d3', \
     '' using 0:2:(strcol(3) eq "FOUND" ? sprintf("recovered, %.2f s", $2) : sprintf("not found, %.2f s", $2)) with labels offset 0,1
set title 'candidate keys tried per second (log scale)'
set logscale y
set yrange [1:1e7]
set xrange [-0.6:1.6]
set ylabel 'words/s'
set xlabel 'method' offset 0,-1
set xtics ("one isakmp keys process\nper word (first 50 words)" 0, "isakmp keys --crack-psk\n(one process, whole list)" 1)
plot ratefile using 0:2 with boxes lc rgb '#2e8b57', \
     '' using 0:2:(sprintf("%.0f words/s", $2)) with labels offset 0,1
unset multiplot
