# isakmp plot --kind dh-cost: Diffie-Hellman cost per IKE group, the
# model's virtual time (the cost table) next to the host CPU time measured
# during the runs (mean, error bars = 95% CI over operations).
# Variables: datafile, outbase, caption, ylab, plottitle.
# Data (cli/plot_data.h): GROUP GEN_MODEL GEN_MEAS GEN_LO GEN_HI COMP_MODEL COMP_MEAS COMP_LO COMP_HI
load scriptdir . '/plot-common.gp'
set xlabel 'IKE Diffie-Hellman group (RFC 2409 / IANA number)'
set style data histograms
set style histogram errorbars gap 2 lw 1
set style fill solid 0.8 border -1
set yrange [0:*]
set logscale y
set yrange [*:*]
plotcmd = "plot datafile using 2:2:2:xtic(1) title 'dh-generate, model', '' using 3:4:5 title 'dh-generate, measured', '' using 6:6:6 title 'dh-compute, model', '' using 7:8:9 title 'dh-compute, measured'"
set terminal pngcairo size 1000,600 font 'sans,11'
set output outbase . '.png'
eval plotcmd
set terminal svg size 1000,600 font 'sans,11' dynamic
set output outbase . '.svg'
eval plotcmd
set output
