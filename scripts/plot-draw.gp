# Draws the mean +- 95% CI lines of `datafile` into outbase.png and
# outbase.svg (used by plot-success-vs-param.gp, plot-latency-vs-param.gp).
if (categorical) {
    set xrange [-0.5:*]
    set xtics rotate by -30
    plotcmd = "plot for [i=0:nseries-1] datafile index i using 1:2:3:4:xtic(6) with yerrorlines lw 2 pt 7 ps 0.8 title columnheader(1)"
} else {
    set offsets graph 0.03, graph 0.03, 0, 0
    plotcmd = "plot for [i=0:nseries-1] datafile index i using 1:2:3:4 with yerrorlines lw 2 pt 7 ps 0.8 title columnheader(1)"
}
set terminal pngcairo size 1000,600 font 'sans,11'
set output outbase . '.png'
eval plotcmd
set terminal svg size 1000,600 font 'sans,11' dynamic
set output outbase . '.svg'
eval plotcmd
set output
