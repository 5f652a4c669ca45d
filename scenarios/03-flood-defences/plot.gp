# Scenario 3 figure.  Input (run.sh): datafile lines
#   DEFENCE RATE SUCCESS LATENCY_MS CPU_BUSY HALF_OPEN_MAX STATE_KIB RUNS
# outfile (PNG), caption.
set terminal pngcairo size 1300,950 font 'DejaVu Sans,10'
set output outfile
set multiplot layout 2,2 title "Scenario 03: Main Mode PSK responder under a spoofed message-1 flood, per defence\n{/*0.8 ".caption."}"
set logscale x
set xlabel 'spoofed message-1 flood rate (messages/s, log scale)'
set grid
set style data linespoints
sel(d) = sprintf("< awk '$1 == \"%s\"' %s", d, datafile)
set key bottom left box opaque
set ylabel 'legitimate phase-1 exchanges completed (fraction)'
set yrange [0:1.05]
plot sel('none') using 2:3 title 'no defence' lw 2 pt 7, sel('cookies') using 2:3 title 'cookies (state per message 1)' lw 2 dt 2 pt 5, \
     sel('half-open') using 2:3 title 'half-open limit 100' lw 2 pt 13, sel('stateless') using 2:3 title 'stateless responder' lw 2 pt 9
set ylabel 'mean phase-1 latency of completed exchanges (ms, log scale)'
set logscale y
set yrange [*:*]
set key top left box opaque
plot sel('none') using 2:4 title 'no defence' lw 2 pt 7, sel('cookies') using 2:4 title 'cookies (state per message 1)' lw 2 dt 2 pt 5, \
     sel('half-open') using 2:4 title 'half-open limit 100' lw 2 pt 13, sel('stateless') using 2:4 title 'stateless responder' lw 2 pt 9
unset logscale y
set ylabel 'responder CPU busy during the flood (fraction of 1 core)'
set yrange [0:*]
plot sel('none') using 2:5 title 'no defence' lw 2 pt 7, sel('cookies') using 2:5 title 'cookies (state per message 1)' lw 2 dt 2 pt 5, \
     sel('half-open') using 2:5 title 'half-open limit 100' lw 2 pt 13, sel('stateless') using 2:5 title 'stateless responder' lw 2 pt 9
set ylabel 'peak responder engine state (KiB, log scale)'
set logscale y
set yrange [*:*]
plot sel('none') using 2:7 title 'no defence' lw 2 pt 7, sel('cookies') using 2:7 title 'cookies (state per message 1)' lw 2 dt 2 pt 5, \
     sel('half-open') using 2:7 title 'half-open limit 100' lw 2 pt 13, sel('stateless') using 2:7 title 'stateless responder' lw 2 pt 9
unset multiplot
