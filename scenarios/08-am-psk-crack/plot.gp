# Scenario 8 figure: wall time of the dictionary attack per PSK.
# Input (run.sh): datafile lines "PSK SECONDS RESULT" (RESULT FOUND or NOT),
# outfile, caption.
set terminal pngcairo size 1000,560 font 'DejaVu Sans,10'
set output outfile
set title "Scenario 08: offline dictionary attack on an Aggressive Mode PSK (HASH_R from messages 1-2)\n{/*0.8 ".caption."}"
set style fill solid 0.7 border -1
set boxwidth 0.5
set ylabel 'wall-clock time of the attack (s)'
set xlabel 'PSK attacked (outcome)'
set yrange [0:*]
set xrange [-0.6:1.6]
set grid ytics
unset key
set xtics ("weak PSK \n(search stops at its line, 816)" 0, "strong PSK\n(whole dictionary tried)" 1)
plot datafile using 0:2 with boxes lc rgb '#9400d3', \
     '' using 0:2:(strcol(3) eq "FOUND" ? sprintf("recovered, %.0f s", $2) : sprintf("not found, %.0f s", $2)) with labels offset 0,1
