# isakmp plot --kind latency-vs-param: mean latency against a swept
# parameter, one line per combination of the other parameters, error bars
# = 95% confidence interval of the mean over replications.
# Variables and data: as scripts/plot-success-vs-param.gp.
load scriptdir . '/plot-common.gp'
set yrange [0:*]
load scriptdir . '/plot-draw.gp'
