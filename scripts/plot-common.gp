# Shared by the scripts/plot-*.gp figures of `isakmp plot`: looks and the
# caption.  Not a figure by itself.
if (!exists("plottitle")) plottitle = ''
if (!exists("caption")) caption = ''
set encoding utf8
set title plottitle noenhanced
set xlabel xlab noenhanced
set ylabel ylab noenhanced
set grid ytics lc rgb '#dddddd'
set key outside right top noenhanced
set border 3
set tics nomirror
set bmargin 7
set label 99 caption at screen 0.01, screen 0.025 left font ',9' noenhanced
set datafile missing 'nan'
