# Scenario 5 figure: received messages accepted vs dropped as copies, per
# message, at each end.  Input (run.sh): datafile lines
#   SCENARIO NODE MSG ACCEPTED DROPPED REASONS; outfile; caption.
set terminal pngcairo size 1500,650 font 'DejaVu Sans,10'
set output outfile
set title "Scenario 05: received ISAKMP messages, accepted or dropped, per message (duplicate/replay/tamper parts run)\n{/*0.8 ".caption."}"
set style data histograms
set style histogram rowstacked
set style fill solid 0.7 border -1
set boxwidth 0.8
set ylabel 'messages received over the run'
set xlabel 'part, receiving node, exchange-message (MM Main Mode, QM Quick Mode)'
set xtics rotate by -45 font ',8'
set grid ytics
set key outside top center horizontal box
plot datafile using 4:xtic(sprintf("%s %s %s", strcol(1), strcol(2), strcol(3))) title 'accepted' lc rgb '#009e73', \
     '' using 5 title 'dropped (reason in fates.dat: duplicate, ...)' lc rgb '#d55e00'
