# isakmp plot --kind success-vs-param: a success rate against a swept
# parameter, one line per combination of the other parameters, error bars
# = 95% confidence interval of the mean over replications.
# Variables (set by `isakmp plot` with gnuplot -e): datafile, outbase,
# caption, xlab, ylab, plottitle, nseries, categorical, scriptdir (this folder).
# Data blocks (see cli/plot_data.h): "TITLE" then X MEAN CI_LOW CI_HIGH N XLABEL.
load scriptdir . '/plot-common.gp'
set yrange [0:105]
set ytics 10
load scriptdir . '/plot-draw.gp'
