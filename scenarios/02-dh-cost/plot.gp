# Scenario 2 figure.  Input (run.sh):
#   calfile lines: GROUP NAME FULL_MEASURED_US FULL_MODEL_US SHORT_MEASURED_US SHORT_MODEL_US SHORT_BITS
#   expfile lines: GROUPNAME EXPONENT_BITS VIRTUAL_US MEASURED_US N
#   outfile, caption.
set terminal pngcairo size 1500,620 font 'DejaVu Sans,10'
set output outfile
set multiplot layout 1,2 title "Scenario 02: Diffie-Hellman compute cost per group and exponent length\n{/*0.8 ".caption."}"
set grid ytics
set logscale y
set ylabel 'one dh-compute (us, log scale)'
set title '(a) every group: isakmp calibrate (measured) vs the cost model'
set xlabel 'IKE group (number and name)'
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.7 border -1
set boxwidth 0.9
set xtics rotate by -40 font ',9'
set key top left box opaque
set yrange [5:3e6]
plot calfile using 3:xtic(sprintf("%d %s", $1, strcol(2))) title 'measured, full exponent' lc rgb '#9400d3', \
     '' using 4 title 'model, full exponent' lc rgb '#c8a0e8', \
     '' using (strcol(5) eq "-" ? 1/0 : $5) title 'measured, recommended short exponent' lc rgb '#009e73', \
     '' using (strcol(6) eq "-" ? 1/0 : $6) title 'model, short exponent' lc rgb '#9fe0c8'
unset style
set style data linespoints
set xtics norotate font ',10'
set title '(b) MODP groups in the simulator: cost against the private exponent length'
set xlabel 'private exponent length (bits, exponent = "short")'
set logscale x 2
set yrange [*:*]
set key top left box opaque
sel(g) = sprintf("< awk '$1 == \"%s\"' %s", g, expfile)
gs = "modp1024 modp1536 modp2048 modp3072 modp4096"
plot for [i=1:5] sel(word(gs, i)) using 2:3 title word(gs, i).' virtual (model)' lw 2 lc i, \
     for [i=1:5] sel(word(gs, i)) using 2:4 title word(gs, i).' measured in run' with points pt 7 ps 1 lc i
unset multiplot
