# Scenario 07 figure (scenarios/07-downgrade/run.sh): weak groups, the
# proposal stripper and the eavesdropper under the discrete-log oracle model.
# Variables (gnuplot -e): datafile, outfile (PNG), caption.  datafile lines:
#   SHARE STRIP(off|on) COMPLETED CI NEGOTIATED_WEAK CI COMPLETED_WEAK CI DECRYPTED CI N
# each a mean over N population draws of a share of the started phase-1
# exchanges, CI the half-width of its 95% confidence interval (Student t).
if (!exists("datafile")) datafile = 'results/07-downgrade/07-downgrade.dat'
if (!exists("outfile")) outfile = 'results/07-downgrade/07-downgrade.png'
if (!exists("caption")) caption = 'scenario 07-downgrade'
set terminal pngcairo size 1500,560 font 'DejaVu Sans,10'
set output outfile
set multiplot layout 1,3 title "Scenario 07: weak DH groups, an on-path proposal stripper, and a passive eavesdropper (discrete-log oracle model)\n".caption noenhanced
set xlabel "weak share: peers whose policy still has\ngroup 1 or 2 (modp768, modp1024)"
set xrange [-0.05:1.05]
set yrange [0:1.05]
set grid
set key top left box opaque noenhanced
set offsets 0, 0, 0, 0
sel(s) = sprintf("< awk '$2 == \"%s\"' %s", s, datafile)
set ylabel 'share of phase-1 exchanges'
set title 'negotiated in 768/1024-bit groups (message 2)' noenhanced
plot sel('off') using 1:5:6 with yerrorlines lw 2 pt 7 title 'no attacker', \
     sel('on') using 1:5:6 with yerrorlines lw 2 dt 2 pt 5 title 'stripper on path', \
     sel('on') using 1:7:8 with yerrorlines lw 1 pt 4 lc rgb '#888888' title 'stripper: of those, completed'
set title 'decrypted by the eavesdropper (measured; oracle for groups 1, 2)' noenhanced
plot sel('off') using 1:9:10 with yerrorlines lw 2 pt 7 title 'no attacker', \
     sel('on') using 1:9:10 with yerrorlines lw 2 dt 2 pt 5 title 'stripper on path'
set title 'completed (any group)' noenhanced
set key bottom left box opaque noenhanced
plot sel('off') using 1:3:4 with yerrorlines lw 2 pt 7 title 'no attacker', \
     sel('on') using 1:3:4 with yerrorlines lw 2 dt 2 pt 5 title 'stripper on path'
unset multiplot
