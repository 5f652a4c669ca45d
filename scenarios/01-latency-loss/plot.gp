# Scenario 1 figure.  Input (run.sh): datafile with lines
#   MODE RTT_MS LOSS PHASE LATENCY_MS SUCCESS RETRANSMISSIONS_PER_EXCHANGE N
# outfile (PNG), caption (scenario, seed, engine).
set terminal pngcairo size 1500,560 font 'DejaVu Sans,10'
set output outfile
set multiplot layout 1,3 title "Scenario 01: IKEv1 PSK exchange latency and retransmissions against RTT and loss\n{/*0.8 ".caption."}"
set grid
set style data linespoints
sel(m, p, col, v) = sprintf("< awk '$1 == \"%s\" && $4 == %d && $%d == %s' %s", m, p, col, v, datafile)

set title 'latency against RTT (no loss)'
set xlabel 'round-trip time (ms)'
set ylabel 'mean latency of completed exchanges (ms)'
set key top left box opaque
plot sel('main', 1, 3, '0') using 2:5 title 'Main Mode (phase 1)' lw 2 pt 7, \
     sel('aggressive', 1, 3, '0') using 2:5 title 'Aggressive Mode (phase 1)' lw 2 pt 5, \
     sel('main', 2, 3, '0') using 2:5 title 'Quick Mode after Main' lw 2 dt 2 pt 6, \
     sel('aggressive', 2, 3, '0') using 2:5 title 'Quick Mode after Aggressive' lw 2 dt 2 pt 4

set title 'latency against loss (RTT 100 ms)'
set xlabel 'frame loss rate at each receiving end (fraction)'
set ylabel 'mean latency of completed exchanges (ms, log scale)'
set logscale y
plot sel('main', 1, 2, '100') using 3:5 title 'Main Mode (phase 1)' lw 2 pt 7, \
     sel('aggressive', 1, 2, '100') using 3:5 title 'Aggressive Mode (phase 1)' lw 2 pt 5, \
     sel('main', 2, 2, '100') using 3:5 title 'Quick Mode after Main' lw 2 dt 2 pt 6, \
     sel('aggressive', 2, 2, '100') using 3:5 title 'Quick Mode after Aggressive' lw 2 dt 2 pt 4
unset logscale y

set title 'initiator retransmissions (RTT 100 ms)'
set ylabel 'retransmissions per exchange (mean)'
plot sel('main', 1, 2, '100') using 3:7 title 'Main Mode (phase 1)' lw 2 pt 7, \
     sel('aggressive', 1, 2, '100') using 3:7 title 'Aggressive Mode (phase 1)' lw 2 pt 5, \
     sel('main', 2, 2, '100') using 3:7 title 'Quick Mode after Main' lw 2 dt 2 pt 6, \
     sel('aggressive', 2, 2, '100') using 3:7 title 'Quick Mode after Aggressive' lw 2 dt 2 pt 4
unset multiplot
