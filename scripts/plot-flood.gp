# Legitimate phase-1 success rate and latency against the spoofed message-1
# flood rate, one line per responder defence.  Input (scripts/run-default-experiment):
#   datafile: lines "DEFENCE RATE SUCCESS SUCCESS_CI LATENCY_MS LATENCY_CI N" (means over
#   N replications, CI = half-width of the 95% confidence interval); outfile: PNG; caption.
if (!exists("datafile")) datafile = 'results/default-flood.dat'
if (!exists("outfile")) outfile = 'results/default-flood.png'
if (!exists("caption")) caption = 'scenario default-flood'
set terminal pngcairo size 1200,560 font 'DejaVu Sans,11'
set output outfile
set multiplot layout 1,2 title "Main Mode PSK responder under a spoofed message-1 flood\n{/*0.8 ".caption."}"
set logscale x
set xlabel 'spoofed message-1 flood rate (messages/s, log scale)'
set grid
set key bottom left box opaque
set style data yerrorlines
sel(d) = sprintf("< awk '$1 == \"%s\"' %s", d, datafile)
set ylabel 'legitimate phase-1 exchanges completed (fraction)'
set yrange [0:1.05]
plot sel('none') using 2:3:4 title 'no defence' lw 2 pt 7, \
     sel('cookies') using 2:3:4 title 'cookies (state kept per message 1)' lw 2 dt 2 pt 5, \
     sel('stateless') using 2:3:4 title 'stateless cookies (no state before message 3)' lw 2 pt 9
set ylabel 'mean phase-1 latency of completed exchanges (ms, log scale)'
set logscale y
set yrange [*:*]
set key top left box opaque
plot sel('none') using 2:5:6 title 'no defence' lw 2 pt 7, \
     sel('cookies') using 2:5:6 title 'cookies (state kept per message 1)' lw 2 dt 2 pt 5, \
     sel('stateless') using 2:5:6 title 'stateless cookies (no state before message 3)' lw 2 pt 9
unset multiplot
