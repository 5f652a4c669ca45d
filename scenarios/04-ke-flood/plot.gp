# Scenario 4 figure.  Input (run.sh): datafile lines
#   PER_SOURCE_LIMIT RATE SUCCESS LATENCY_MS CPU_BUSY DH_COMPUTE_PER_S; outfile; caption.
set terminal pngcairo size 1300,950 font 'DejaVu Sans,10'
set output outfile
set multiplot layout 2,2 title "Scenario 04: cookie-completing KE flood against a stateless cookie responder\n{/*0.8 ".caption."}"
set logscale x
set xlabel 'KE flood rate (attacker exchanges/s, log scale)'
set grid
set style data linespoints
sel(l) = sprintf("< awk '$1 == %d' %s", l, datafile)
set key bottom left box opaque
set ylabel 'legitimate phase-1 exchanges completed (fraction)'
set yrange [0:1.05]
plot sel(0) using 2:3 title 'no per-source limit' lw 2 pt 7, sel(10) using 2:3 title 'half-open per source <= 10' lw 2 pt 5
set ylabel 'mean phase-1 latency of completed exchanges (ms, log scale)'
set logscale y
set yrange [*:*]
set key top left box opaque
plot sel(0) using 2:4 title 'no per-source limit' lw 2 pt 7, sel(10) using 2:4 title 'half-open per source <= 10' lw 2 pt 5
unset logscale y
set yrange [0:1.05]
set key bottom right box opaque
set ylabel 'responder CPU busy during the attack (fraction of 1 core)'
plot sel(0) using 2:5 title 'no per-source limit' lw 2 pt 7, sel(10) using 2:5 title 'half-open per source <= 10' lw 2 pt 5
set ylabel 'responder DH computations per second'
set yrange [0:*]
set key center right box opaque
plot sel(0) using 2:6 title 'no per-source limit' lw 2 pt 7, sel(10) using 2:6 title 'half-open per source <= 10' lw 2 pt 5
unset multiplot
